from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from kasasu.accounts.repository import AccountExternalIdRepository, AccountRepository
from kasasu.accounts.schemas import AccountCreate, AccountRead, AccountUpdate
from kasasu.db.service import CrudService
from kasasu.errors import Conflict, NotFound
from kasasu.kit.i18n import _
from kasasu.models import Account, AccountExternalId


class AccountService(CrudService[Account, AccountCreate, AccountUpdate, AccountRead]):
    repository = AccountRepository
    read_schema = AccountRead
    noun = _("Account")
    external_id_prefix = "acct"


accounts = AccountService()


def set_external_id(session: Session, account_id: int, source: str, external_id: str) -> None:
    """Record the account's id in another system (CRM, billing…); one id per source."""
    accounts.get(session, account_id)  # raises NotFound
    repo = AccountExternalIdRepository(session)
    taken = repo.get_for(source, external_id)
    if taken is not None and taken.account_id != account_id:
        raise Conflict(
            _(
                "{source} id {external_id} already belongs to account {id}",
                source=source,
                external_id=external_id,
                id=taken.account_id,
            )
        )
    current = next((r for r in repo.list_for_account(account_id) if r.source == source), None)
    if current is None:
        repo.add(AccountExternalId(account_id=account_id, source=source, external_id=external_id))
    else:
        current.external_id = external_id
        session.flush()


def external_ids(session: Session, account_id: int) -> dict[str, str]:
    return {
        r.source: r.external_id
        for r in AccountExternalIdRepository(session).list_for_account(account_id)
    }


def external_ids_of(session: Session, account_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Account id → {source: its id there} for the accounts that have any (one query)."""
    found: dict[int, dict[str, str]] = {}
    for r in AccountExternalIdRepository(session).for_accounts(sorted(set(account_ids))):
        found.setdefault(r.account_id, {})[r.source] = r.external_id
    return found


def find_account_by_source(session: Session, source: str, external_id: str) -> AccountRead | None:
    row = AccountExternalIdRepository(session).get_for(source, external_id)
    return accounts.get(session, row.account_id) if row else None


def account_id_for(session: Session, ref: str) -> int:
    """The id of the account ``ref`` names: its external id (e.g. ACC-0001), else its id."""
    repo = AccountRepository(session)
    row = repo.get_by_external_id(ref)
    if row is None and ref.isdigit():
        row = repo.get(int(ref))
    if row is None:
        raise NotFound(_("Account {ref} not found", ref=ref))
    return int(row.id)


def account_ids(session: Session, external_ids: Iterable[str]) -> dict[str, int]:
    """External id → account id, for those that exist (in chunks)."""
    return AccountRepository(session).map_external_ids(external_ids)


def account_refs(
    session: Session, source: str, values: Iterable[str], match: str
) -> dict[str, str]:
    """Another system's references to accounts → the accounts' external ids: by the ids
    linked for ``source`` first, then (``match`` = name or domain) by the account's name or
    domain, case-folded. A value found by name or domain is keyed case-folded."""
    wanted = [v for v in values if v]
    found = AccountExternalIdRepository(session).refs_for(source, wanted)
    if match in ("name", "domain"):
        rest = [v for v in wanted if v not in found]
        found.update(AccountRepository(session).refs_by(match, rest))
    return found


def account_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Account id → name for the ids that exist (one query)."""
    return AccountRepository(session).names([i for i in set(ids) if i is not None])


def field_values(session: Session, columns: Iterable[str]) -> dict[str, list[str]]:
    """Each text column's distinct values in the data: what a filter dropdown offers."""
    repo = AccountRepository(session)
    return {column: repo.values_of(column) for column in columns}
