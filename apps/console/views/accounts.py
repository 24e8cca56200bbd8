"""Cloud accounts: list with check status, create and edit (credentials are write-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.cloudaccounts import services as account_services
from apps.cloudaccounts.access import access_cloud_account_by_name
from apps.cloudaccounts.models import AccountKind, CloudAccount, Provider
from apps.cloudaccounts.selectors import cloud_account_list
from apps.console.decorators import report, team_page
from apps.core.errors import PlatformError, ValidationFailed
from apps.teams import access as team_access
from apps.teams.models import Team

SETTINGS = ("context", "server", "endpoint")
LISTS = ("regions", "namespaces")
SECRETS = ("kubeconfig", "token", "ca_data", "secret_id", "secret_key")
# Pointer names the service reports, back to form field names.
POINTER_FIELDS = {
    "caData": "ca_data",
    "secretId": "secret_id",
    "secretKey": "secret_key",
    "insecureSkipTlsVerify": "insecure",
}
# Which form fields each kind uses (the rest are hidden by accounts.js).
KIND_FIELDS = {
    AccountKind.KUBECONFIG: ("kubeconfig", "context", "namespaces"),
    AccountKind.SERVICE_ACCOUNT: ("server", "token", "ca_data", "insecure", "namespaces"),
    AccountKind.KEYS: ("secret_id", "secret_key", "regions", "endpoint"),
    AccountKind.SANDBOX: ("regions", "namespaces"),
}


def _split(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _fields(post: QueryDict, *, editing: bool, kind: str) -> dict[str, Any]:
    """Form values as the service takes them; on edit, a blank secret keeps the stored one."""
    values: dict[str, Any] = {}
    for name in SETTINGS:
        values[name] = post.get(name, "").strip()
    for name in LISTS:
        values[name] = _split(post.get(name, ""))
    if post.get("insecure") == "on" or (editing and kind == AccountKind.SERVICE_ACCOUNT):
        values["insecure"] = post.get("insecure") == "on"
    for name in SECRETS:
        secret = post.get(name, "")
        if secret.strip():
            values[name] = secret.strip() if name != "kubeconfig" else secret
        elif not editing:
            values[name] = ""
    if not editing:
        values = {k: v for k, v in values.items() if v not in ("", [], False)}
    return values


def _errors(error: PlatformError) -> dict[str, str]:
    found: dict[str, str] = {}
    for each in getattr(error, "errors", None) or []:
        name = str(each.get("pointer") or "").lstrip("/")
        found[POINTER_FIELDS.get(name, name) or "form"] = str(each.get("message"))
    return found or {"form": error.message}


def _form(
    request: HttpRequest, team: Team, account: CloudAccount | None, errors: dict[str, str]
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    if account is not None and data is None:
        initial = {
            "name": account.name,
            "description": account.description,
            "provider": account.provider,
            "kind": account.kind,
            **{k: account.settings.get(k, "") for k in SETTINGS},
            **{k: " ".join(account.settings.get(k) or []) for k in LISTS},
            "insecure": bool(account.settings.get("insecure")),
        }
    elif data is not None:
        initial = {
            key: data.get(key, "")
            for key in ("name", "description", "provider", "kind", *SETTINGS, *LISTS)
        }
        initial["insecure"] = data.get("insecure") == "on"
    else:
        initial = {"provider": Provider.KUBERNETES, "kind": AccountKind.KUBECONFIG}
    return render(
        request,
        "console/cloud_account_form.html",
        {
            "team": team,
            "nav": "accounts",
            "account": account,
            "initial": initial,
            "errors": errors,
            "providers": Provider.choices,
            "kinds": AccountKind.choices,
            "kind_fields": {str(k): list(v) for k, v in KIND_FIELDS.items()},
            "stored": set(account.credential_fields) if account else set(),
        },
        status=400 if errors else 200,
    )


@team_page
def account_list(request: HttpRequest, team: Team) -> HttpResponse:
    return render(
        request,
        "console/cloud_accounts.html",
        {
            "team": team,
            "nav": "accounts",
            "accounts": cloud_account_list(team=team),
            "can_manage": team_access.has_team_perm(request.user, team, "manage_cloudaccounts"),
        },
    )


@team_page
def account_create(request: HttpRequest, team: Team) -> HttpResponse:
    team_access.require_team_perm(request.user, team, "manage_cloudaccounts")
    if request.method != "POST":
        return _form(request, team, None, {})
    try:
        account = account_services.cloud_account_create(
            team=team,
            name=request.POST.get("name", "").strip(),
            provider=request.POST.get("provider", ""),
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", "").strip(),
            **_fields(request.POST, editing=False, kind=request.POST.get("kind", "")),
        )
    except PlatformError as error:
        return _form(request, team, None, _errors(error))
    account_services.cloud_account_check(account=account)
    messages.success(
        request, _("Cloud account %(name)s created and checked.") % {"name": account.name}
    )
    return redirect("console:cloud-accounts", team=team.slug)


@team_page
def account_edit(request: HttpRequest, team: Team, name: str) -> HttpResponse:
    account = access_cloud_account_by_name(request.user, team, name, "change")
    if request.method != "POST":
        return _form(request, team, account, {})
    data = {
        "description": request.POST.get("description", "").strip(),
        "kind": request.POST.get("kind", account.kind),
        **_fields(request.POST, editing=True, kind=request.POST.get("kind", account.kind)),
    }
    try:
        account_services.cloud_account_update(account=account, data=data)
    except PlatformError as error:
        return _form(request, team, account, _errors(error))
    messages.success(request, _("Cloud account %(name)s saved.") % {"name": account.name})
    return redirect("console:cloud-accounts", team=team.slug)


@team_page
@require_POST
def account_check(request: HttpRequest, team: Team, name: str) -> HttpResponse:
    account = access_cloud_account_by_name(request.user, team, name, "check")
    account = account_services.cloud_account_check(account=account)
    if account.status == "ok":
        messages.success(request, _("%(name)s is reachable.") % {"name": account.name})
    else:
        messages.error(
            request,
            _("%(name)s: %(message)s") % {"name": account.name, "message": account.status_message},
        )
    return redirect("console:cloud-accounts", team=team.slug)


@team_page
@require_POST
def account_delete(request: HttpRequest, team: Team, name: str) -> HttpResponse:
    account = access_cloud_account_by_name(request.user, team, name, "delete")
    try:
        if request.POST.get("confirm_name") != account.name:
            raise ValidationFailed(
                [{"pointer": "/name", "message": _("Type the account's name to delete it.")}]
            )
        account_services.cloud_account_delete(account=account)
    except PlatformError as error:
        report(request, error)
    else:
        messages.success(request, _("Cloud account %(name)s deleted.") % {"name": name})
    return redirect("console:cloud-accounts", team=team.slug)
