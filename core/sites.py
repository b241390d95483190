"""Which collectivity's site a request is on, for the rooms below `organisation` that cannot ask it.

organisation.tenancy sets the attribute when a prefix /c/<slug>/ or a host name chose a collectivity;
it is absent on the default site (docs/architecture.md, "Several collectivities")."""

ID_ATTR = "_mithaq_collectivity_id"
# The collectivity whose public site this is: the routed one, or on the default site the default one.
PUBLIC_ATTR = "_mithaq_public_site_id"


def routed_collectivity_id(request) -> int | None:
    return getattr(request, ID_ATTR, None) if request is not None else None


def public_site_id(request) -> int | None:
    """None when nothing chose (a request that did not pass the middleware): then nothing is hidden."""
    return getattr(request, PUBLIC_ATTR, None) if request is not None else None
