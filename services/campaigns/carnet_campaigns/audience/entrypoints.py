"""Entrypoints of the audience area: parse (contracts) → use case → dump.

RPCs (the gateway's caller is ``carnet_contracts.actors.CampaignsActor``): ``audience_counters`` (E-4), the consent
ledger of a contact (``contact_consents``, ``record_consent``, ``withdraw_consent``: E-11) and the suppression list
(``list_suppressions``, ``add_suppression``, ``remove_suppression``). Handlers: the contacts events feeding the
read model of contacts, the opportunities' events (a won opportunity is a purchase: implied consent) and the forms
service's (a consent given on a form, its double opt-in confirmed: F-3), each applied once through the Inbox
(``audience/usecases.py`` says what each does). A consent recorded or withdrawn publishes
``campaigns.consent_changed`` (``audience/events.py``) in the same transaction."""
from nameko.events import event_handler

from carnet_campaigns.arguments import actor_of, path_id
from carnet_campaigns.audience import usecases
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contracts import audience as contracts

CONTACTS = "contacts"
OPPORTUNITIES = "opportunities"
FORMS = "forms"




class AudienceEntrypoints:
    """Mixed into CampaignsService (which provides ``db``, ``inbox``, ``outbox`` and ``contacts``)."""

    # E-4 ---------------------------------------------------------------------------------------------------
    @rpc_method(read_only=True)
    def audience_counters(self, actor, query):
        """The pre-send counters of the contacts of ``query["list_ids"]`` the caller sees."""
        actor, query = actor_of(actor), load_or_raise(contracts.CountersQuery(), query)
        return usecases.audience_counters(self.db, actor=actor, **query)

    # E-11 --------------------------------------------------------------------------------------------------
    @rpc_method
    def contact_consents(self, actor, contact_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.ledger(self.db, contacts=self.contacts, actor=actor, contact_id=path_id(contact_id))

    @rpc_method
    def record_consent(self, actor, contact_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.ParsedConsentCreate(), data)
        with self.db.begin():
            return usecases.record_consent(self.db, contacts=self.contacts, actor=actor, contact_id=path_id(contact_id),
                                           data=data, outbox=self.outbox)

    @rpc_method
    def withdraw_consent(self, actor, contact_id, consent_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.withdraw_consent(self.db, contacts=self.contacts, actor=actor,
                                             contact_id=path_id(contact_id), consent_id=path_id(consent_id),
                                             outbox=self.outbox)

    # The suppression list ------------------------------------------------------------------------------------
    @rpc_method(read_only=True)
    def list_suppressions(self, actor, query=None):
        actor, query = actor_of(actor), load_or_raise(contracts.SuppressionQuery(), query or {})
        return usecases.list_suppressions(self.db, actor=actor, **query)

    @rpc_method
    def add_suppression(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.SuppressionCreate(), data)
        with self.db.begin():
            return usecases.add_suppression(self.db, actor=actor, email=data["email"])

    @rpc_method
    def remove_suppression(self, actor, email):
        actor = actor_of(actor)
        with self.db.begin():
            usecases.remove_suppression(self.db, actor=actor, email=path_id(email, 254))

    # The read model of contacts (contacts events) --------------------------------------------------------------
    def _apply(self, envelope, function, **kwargs):
        self.inbox.handle(envelope, lambda session, data: function(session, data=data, **kwargs))

    @event_handler(CONTACTS, "contact_created", requeue_on_error=True)
    def audience_on_contact_created(self, envelope):
        self._apply(envelope, usecases.save_contact, created=True)

    @event_handler(CONTACTS, "contact_updated", requeue_on_error=True)
    def audience_on_contact_updated(self, envelope):
        self._apply(envelope, usecases.save_contact, created=False)

    @event_handler(CONTACTS, "membership_changed", requeue_on_error=True)
    def audience_on_membership_changed(self, envelope):
        self._apply(envelope, usecases.change_membership)

    @event_handler(CONTACTS, "list_deleted", requeue_on_error=True)
    def audience_on_list_deleted(self, envelope):
        self._apply(envelope, usecases.remove_list)

    @event_handler(CONTACTS, "contact_deleted", requeue_on_error=True)
    def audience_on_contact_deleted(self, envelope):
        self._apply(envelope, usecases.delete_contact, occurred_at=envelope.get("occurred_at"))

    @event_handler(CONTACTS, "contact_restored", requeue_on_error=True)
    def audience_on_contact_restored(self, envelope):
        self._apply(envelope, usecases.restore_contact, occurred_at=envelope.get("occurred_at"))

    @event_handler(CONTACTS, "account_deleted", requeue_on_error=True)
    def audience_on_account_deleted(self, envelope):
        self._apply(envelope, usecases.delete_account, occurred_at=envelope.get("occurred_at"))

    @event_handler(CONTACTS, "account_restored", requeue_on_error=True)
    def audience_on_account_restored(self, envelope):
        self._apply(envelope, usecases.restore_account, occurred_at=envelope.get("occurred_at"))

    @event_handler(CONTACTS, "contact_purged", requeue_on_error=True)
    def audience_on_contact_purged(self, envelope):
        self._apply(envelope, usecases.purge_contact)

    @event_handler(CONTACTS, "contact_merged", requeue_on_error=True)
    def audience_on_contact_merged(self, envelope):
        self._apply(envelope, usecases.merge_contact, occurred_at=envelope.get("occurred_at"), outbox=self.outbox)

    @event_handler(CONTACTS, "contact_merge_undone", requeue_on_error=True)
    def audience_on_contact_merge_undone(self, envelope):
        self._apply(envelope, usecases.unmerge_contact, occurred_at=envelope.get("occurred_at"), outbox=self.outbox)

    # A won opportunity is a purchase (E-11: implied consent) ----------------------------------------------------
    @event_handler(OPPORTUNITIES, "opportunity_created", requeue_on_error=True)
    def audience_on_opportunity_created(self, envelope):
        self._apply(envelope, usecases.purchase_consent, occurred_at=envelope.get("occurred_at"), outbox=self.outbox)

    @event_handler(OPPORTUNITIES, "opportunity_updated", requeue_on_error=True)
    def audience_on_opportunity_updated(self, envelope):
        self._apply(envelope, usecases.purchase_consent, occurred_at=envelope.get("occurred_at"), outbox=self.outbox)

    # Consent given on a form (F-3, F-4: E-11's source "form") ----------------------------------------------------
    @event_handler(FORMS, "submission_applied", requeue_on_error=True)
    def audience_on_form_submission_applied(self, envelope):
        self._apply(envelope, usecases.submission_consent, occurred_at=envelope.get("occurred_at"),
                    outbox=self.outbox)

    @event_handler(FORMS, "consent_confirmed", requeue_on_error=True)
    def audience_on_form_consent_confirmed(self, envelope):
        self._apply(envelope, usecases.confirmed_consent, occurred_at=envelope.get("occurred_at"),
                    outbox=self.outbox)
