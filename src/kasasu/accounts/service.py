from __future__ import annotations

from kasasu.accounts.repository import AccountRepository
from kasasu.accounts.schemas import AccountCreate, AccountRead, AccountUpdate
from kasasu.db.service import CrudService
from kasasu.kit.i18n import _
from kasasu.models import Account
from kasasu.users.repository import UserRepository


class AccountService(CrudService[Account, AccountCreate, AccountUpdate, AccountRead]):
    repository = AccountRepository
    read_schema = AccountRead
    noun = _("Account")
    references = {"owner_id": UserRepository}
    external_id_prefix = "acct"


accounts = AccountService()
