"""Writes for cloud accounts: kind-specific validation, encrypted credentials, checks."""

from __future__ import annotations

from typing import Any

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from apps.cloudaccounts.checks import check_account
from apps.cloudaccounts.models import (
    KINDS_BY_PROVIDER,
    AccountKind,
    AccountStatus,
    CloudAccount,
    Provider,
)
from apps.core.errors import Conflict, ValidationFailed
from apps.teams.models import Team

SETTING_FIELDS = ("context", "server", "regions", "endpoint", "namespaces", "insecure")
CREDENTIAL_FIELDS = ("kubeconfig", "token", "ca_data", "secret_id", "secret_key")
# API names of the fields above, for error pointers.
API_NAMES = {
    "ca_data": "caData",
    "secret_id": "secretId",
    "secret_key": "secretKey",
    "insecure": "insecureSkipTlsVerify",
}

REQUIRED: dict[str, tuple[str, ...]] = {
    AccountKind.KUBECONFIG: ("kubeconfig",),
    AccountKind.SERVICE_ACCOUNT: ("server", "token"),
    AccountKind.KEYS: ("secret_id", "secret_key", "regions"),
    AccountKind.SANDBOX: (),
}
ALLOWED: dict[str, set[str]] = {
    AccountKind.KUBECONFIG: {"kubeconfig", "context", "namespaces"},
    AccountKind.SERVICE_ACCOUNT: {"server", "token", "ca_data", "insecure", "namespaces"},
    AccountKind.KEYS: {"secret_id", "secret_key", "regions", "endpoint"},
    AccountKind.SANDBOX: {"regions", "namespaces"},
}


def _err(field: str, message: str) -> dict[str, str]:
    return {"pointer": f"/{API_NAMES.get(field, field)}", "message": message}


def _kubeconfig_contexts(text: str) -> list[str]:
    """Context names of a kubeconfig; errors never quote the document (it holds secrets)."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValidationFailed(
            [_err("kubeconfig", f"The kubeconfig is not valid YAML{where}.")]
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("contexts"), list):
        raise ValidationFailed([_err("kubeconfig", "The kubeconfig has no 'contexts' list.")])
    _refuse_local_references(document)
    names = [c.get("name") for c in document["contexts"] if isinstance(c, dict)]
    if not names:
        raise ValidationFailed([_err("kubeconfig", "The kubeconfig defines no context.")])
    return [str(name) for name in names]


# Fields that make the client run a command or read a file on the platform's own servers:
# a tenant's kubeconfig must never do either (remote code execution, file exfiltration).
_FORBIDDEN_USER_KEYS = {
    "exec",
    "auth-provider",
    "tokenFile",
    "token-file",
    "client-certificate",
    "client-key",
    "username",
    "password",
}
_FORBIDDEN_CLUSTER_KEYS = {"certificate-authority"}


def _refuse_local_references(document: dict[str, Any]) -> None:
    for section, key, forbidden in (
        ("users", "user", _FORBIDDEN_USER_KEYS),
        ("clusters", "cluster", _FORBIDDEN_CLUSTER_KEYS),
    ):
        for entry in document.get(section) or []:
            body = entry.get(key) if isinstance(entry, dict) else None
            if not isinstance(body, dict):
                continue
            found = sorted(forbidden & set(body))
            if found:
                raise ValidationFailed(
                    [
                        _err(
                            "kubeconfig",
                            (
                                f"{section[:-1]} {entry.get('name')!r} uses "
                                f"{', '.join(found)}: credential plugins, file paths and "
                                "basic auth are not accepted; embed a token or "
                                "client-certificate-data/client-key-data/"
                                "certificate-authority-data."
                            ),
                        )
                    ]
                )


def _check_fields(provider: str, kind: str, merged: dict[str, Any]) -> None:
    errors = []
    if kind not in KINDS_BY_PROVIDER.get(provider, set()):
        allowed = ", ".join(sorted(KINDS_BY_PROVIDER.get(provider, set())))
        errors.append(
            _err(
                "kind",
                f"Kind {kind!r} is not valid for provider {provider!r}; use one of: {allowed}.",
            )
        )
        raise ValidationFailed(errors)
    for field, value in merged.items():
        if value not in (None, "", []) and field not in ALLOWED[kind]:
            errors.append(_err(field, f"Not used by {provider} accounts of kind {kind!r}."))
    for field in REQUIRED[kind]:
        if merged.get(field) in (None, "", []):
            errors.append(_err(field, f"Required for {provider} accounts of kind {kind!r}."))
    if errors:
        raise ValidationFailed(errors)
    if kind == AccountKind.KUBECONFIG:
        contexts = _kubeconfig_contexts(merged["kubeconfig"])
        context = merged.get("context")
        if context and context not in contexts:
            raise ValidationFailed(
                [
                    _err(
                        "context",
                        f"Context {context!r} is not in the "
                        f"kubeconfig (it has: {', '.join(contexts)}).",
                    )
                ]
            )
    if kind == AccountKind.SERVICE_ACCOUNT and not str(merged["server"]).startswith(
        ("https://", "http://")
    ):
        raise ValidationFailed([_err("server", "The API server must be an http(s):// URL.")])
    if (
        provider == Provider.TENCENT
        and merged.get("endpoint")
        and not str(merged["endpoint"]).startswith(("https://", "http://"))
    ):
        raise ValidationFailed([_err("endpoint", "The endpoint must be an http(s):// URL.")])


def _split(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    settings = {k: values[k] for k in SETTING_FIELDS if values.get(k) not in (None, "", [])}
    credentials = {k: values[k] for k in CREDENTIAL_FIELDS if values.get(k) not in (None, "")}
    return settings, credentials


def _validate_model(account: CloudAccount) -> None:
    try:
        account.full_clean(
            exclude=["team", "credentials", "settings"],
            validate_unique=False,
            validate_constraints=False,
        )
    except DjangoValidationError as exc:
        raise ValidationFailed(
            [_err(field, " ".join(messages)) for field, messages in exc.message_dict.items()]
        ) from exc


@transaction.atomic
def cloud_account_create(
    *, team: Team, name: str, provider: str, kind: str, description: str = "", **fields: Any
) -> CloudAccount:
    _check_fields(provider, kind, fields)
    settings, credentials = _split(fields)
    account = CloudAccount(
        team=team,
        name=name,
        provider=provider,
        kind=kind,
        description=description,
        settings=settings,
        credentials=credentials,
    )
    _validate_model(account)
    if CloudAccount.objects.filter(team=team, name=name).exists():
        raise Conflict(f"A cloud account named {name!r} already exists in this team.")
    account.save()
    return account


@transaction.atomic
def cloud_account_update(*, account: CloudAccount, data: dict[str, Any]) -> CloudAccount:
    kind = data.get("kind", account.kind)
    kind_changed = kind != account.kind
    # Changing kind starts from a clean slate; otherwise omitted fields keep their values.
    current = {} if kind_changed else {**account.settings, **account.credentials}
    merged = {
        **current,
        **{k: v for k, v in data.items() if k in SETTING_FIELDS + CREDENTIAL_FIELDS},
    }
    merged = {k: v for k, v in merged.items() if v not in (None, "", [])}
    _check_fields(account.provider, kind, merged)
    account.settings, account.credentials = _split(merged)
    account.kind = kind
    if "description" in data:
        account.description = data["description"]
    _validate_model(account)
    account.status = AccountStatus.UNKNOWN
    account.status_message = ""
    account.updated_at = timezone.now()
    account.save()
    return account


@transaction.atomic
def cloud_account_delete(*, account: CloudAccount) -> None:
    account.delete()


def cloud_account_check(*, account: CloudAccount) -> CloudAccount:
    """Connects with the account's credentials and records the outcome on the account."""
    ok, message = check_account(account)
    account.status = AccountStatus.OK if ok else AccountStatus.ERROR
    account.status_message = message
    account.checked_at = timezone.now()
    account.save(update_fields=["status", "status_message", "checked_at"])
    return account
