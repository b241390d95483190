import re

from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory


def test_password_reset_flow(db, client):
    user = UserFactory(username="amina", email="amina@example.org", groups=["citizen"])
    response = client.post(reverse("accounts:password_reset"), {"email": "amina@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = client.post(
        form_url, {"new_password1": "a-long-new-passphrase-42", "new_password2": "a-long-new-passphrase-42"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-new-passphrase-42")


def test_unknown_address_reveals_nothing(db, client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
