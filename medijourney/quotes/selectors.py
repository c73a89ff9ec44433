"""Reads for quotes. ``quote_requests_visible_to(user)`` is THE filter every page, endpoint,
document link, search and export uses. For a partner it joins the patient's CURRENT consent on
every call (nothing cached), so a revocation takes effect on the partner's very next request."""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from medijourney.accounts.models import User
from medijourney.accounts.permissions import has_perm, holders_of
from medijourney.cases.models import Case, Document, ScanStatus
from medijourney.cases.values import travel_window_text
from medijourney.catalog.needed import NeededItem, excludes_text, missing_items
from medijourney.catalog.selectors import country_get, fx_convert, fx_currencies
from medijourney.core.currencies import active_currency_codes
from medijourney.network.models import Doctor, DoctorLicence, Hospital, PartnerMembership
from medijourney.network.offer_items import OFFER_ITEMS
from medijourney.network.selectors import hospitals_in_network

from .deidentify import deidentify
from .models import (
    OPEN_REQUEST_STATUSES,
    CommissionAgreement,
    ConsentAsk,
    FinalBill,
    LineStatus,
    Quote,
    QuoteLine,
    QuoteRequest,
    RequestStatus,
    Scope,
    ShareConsent,
    SharedDocument,
)
from .summary_parts import summary_parts_for

MIN_SAMPLE = 5  # below this a scorecard figure says "not enough data"
ALTERNATIVES_AFTER = datetime.timedelta(hours=72)


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def active_consent_exists(case_ref: str = "case", hospital_ref: str = "hospital", *, reports: bool = False) -> Exists:
    """Exists(an active consent for OuterRef(case) × OuterRef(hospital)), optionally with reports."""
    qs = ShareConsent.objects.filter(case=OuterRef(case_ref), hospital=OuterRef(hospital_ref), revoked_at__isnull=True)
    if reports:
        qs = qs.filter(scope=Scope.SUMMARY_WITH_REPORTS)
    return Exists(qs)


def _partner_requests(user: Any) -> QuerySet[QuoteRequest]:
    return (
        QuoteRequest.objects.filter(
            hospital__in=PartnerMembership.objects.filter(user=user).values("hospital"),
            case__isnull=False,
            erased_at__isnull=True,
        )
        .exclude(status=RequestStatus.WITHDRAWN)
        .filter(active_consent_exists())
    )


def quote_requests_visible_to(user: Any) -> QuerySet[QuoteRequest]:
    """Leads: every request. Case manager: requests on the cases assigned to them. Patient:
    requests on their own cases. Partner: requests sent to its hospital while the patient's
    consent for that hospital is active (checked now, on every call). Anyone else: none."""
    if not _signed_in(user):
        return QuoteRequest.objects.none()
    if has_perm(user, "quotes.oversee_requests"):
        qs = QuoteRequest.objects.all()
    elif has_perm(user, "quotes.request_quotes"):
        qs = QuoteRequest.objects.filter(case__assigned_to=user)
    elif has_perm(user, "quotes.compare_quotes"):
        qs = QuoteRequest.objects.filter(case__patient=user)
    elif has_perm(user, "quotes.answer_requests"):
        qs = _partner_requests(user)
    else:
        return QuoteRequest.objects.none()
    return qs.select_related("hospital", "hospital__country", "procedure")


def partner_case_rule(user: Any) -> Q:
    """Registered with cases.register_case_visibility for partners: a case is visible to a partner
    while a request to its hospital exists under an active consent. (No cases page or endpoint
    grants partners a permission today; this keeps the one filter truthful if one ever does.)"""
    requests = _partner_requests(user).filter(case=OuterRef("pk"))
    return Q(Exists(requests))


def partner_document_rule(user: Any) -> Q:
    """Registered with cases.register_document_visibility for partners: only documents attached
    to a request to its hospital while the consent includes reports."""
    shared = SharedDocument.objects.filter(
        document=OuterRef("pk"), request__in=_partner_requests(user).filter(active_consent_exists(reports=True))
    )
    return Q(Exists(shared))


def shared_documents_visible_to(user: Any) -> QuerySet[SharedDocument]:
    """Attached documents a person may download through quotes routes. For a partner: only while
    the consent for its hospital includes reports; never a document not yet scanned clean."""
    requests = quote_requests_visible_to(user)
    if has_perm(user, "quotes.answer_requests"):
        requests = requests.filter(active_consent_exists(reports=True))
    return SharedDocument.objects.filter(request__in=requests, document__scan_status=ScanStatus.CLEAN).select_related(
        "document", "request", "request__case", "request__case__patient", "request__hospital"
    )


def request_documents(*, user: Any, request: QuoteRequest) -> list[Document]:
    return [s.document for s in shared_documents_visible_to(user).filter(request=request).order_by("id")]


# --- Consents --------------------------------------------------------------------------------------


def case_consents(case: Case) -> QuerySet[ShareConsent]:
    """Every consent of a case, grants and revocations, newest first."""
    return (
        ShareConsent.objects.filter(case=case)
        .select_related("hospital", "hospital__country")
        .order_by("-granted_at", "-id")
    )


def active_consents(case: Case) -> dict[int, ShareConsent]:
    """Active consent per hospital id."""
    return {
        c.hospital_id: c
        for c in ShareConsent.objects.filter(case=case, revoked_at__isnull=True).select_related("hospital")
    }


def open_consent_asks(case: Case) -> QuerySet[ConsentAsk]:
    return ConsentAsk.objects.filter(case=case, answered_at__isnull=True).select_related(
        "hospital", "hospital__country"
    )


def partner_ready_hospitals() -> QuerySet[Hospital]:
    """Hospitals in the network with at least one active partner account (only those can receive
    a request: someone must be there to read and answer it)."""
    return hospitals_in_network().filter(
        Exists(PartnerMembership.objects.filter(hospital=OuterRef("pk"), user__is_active=True))
    )


@dataclass(frozen=True)
class HospitalChoice:
    hospital: Hospital
    offers_procedure: bool
    consent: ShareConsent | None
    open_request: bool


def hospital_choices(case: Case, *, exclude_requested: bool = False, limit: int = 60) -> list[HospitalChoice]:
    """Hospitals a case manager may send this case to: the network's hospitals with a partner
    account, those offering the case's procedure first, then those in the patient's preferred
    countries, with the consent each has and whether a request is already open."""
    slug = case.procedure_slug
    qs = partner_ready_hospitals().select_related("country")
    qs = qs.annotate(
        offer_count=Count("offers", filter=Q(offers__procedure__slug=slug))
        if slug
        else Count("offers", filter=Q(pk=None)),
    )
    destinations = list(case.destinations or [])
    rows = sorted(
        qs[:500],
        key=lambda h: (-(h.offer_count > 0), h.country_id not in destinations, h.is_demo, h.name, h.pk),
    )
    consents = active_consents(case)
    open_ids = set(
        QuoteRequest.objects.filter(case=case)
        .filter(status__in=OPEN_REQUEST_STATUSES)
        .values_list("hospital_id", flat=True)
    )
    out = []
    for h in rows:
        if exclude_requested and h.pk in open_ids:
            continue
        out.append(HospitalChoice(h, h.offer_count > 0, consents.get(h.pk), h.pk in open_ids))
    return out[:limit]


def case_requests(case: Case) -> QuerySet[QuoteRequest]:
    return (
        QuoteRequest.objects.filter(case=case)
        .select_related("hospital", "hospital__country", "procedure", "sent_by")
        .prefetch_related("shared_documents__document")
        .select_related("quote", "quote__doctor", "quote__procedure", "final_bill")
        .order_by("sent_at", "id")
    )


def alternatives_for(request: QuoteRequest, limit: int = 5) -> list[HospitalChoice]:
    """Other hospitals to offer when a request has gone 72 hours without an answer."""
    if request.case is None:
        return []
    return [c for c in hospital_choices(request.case, exclude_requested=True) if c.hospital.pk != request.hospital_id][
        :limit
    ]


def requests_needing_alternatives(case: Case, now: datetime.datetime | None = None) -> list[QuoteRequest]:
    now = now or timezone.now()
    return list(
        QuoteRequest.objects.filter(case=case)
        .filter(status=RequestStatus.SENT, sent_at__lte=now - ALTERNATIVES_AFTER)
        .select_related("hospital")
        .order_by("sent_at")
    )


# --- Partner lists ---------------------------------------------------------------------------------


def partner_request_list(*, user: Any, q: str = "", status: str = "") -> QuerySet[QuoteRequest]:
    """A partner's requests, open ones first by deadline, then the rest newest first."""
    qs = quote_requests_visible_to(user)
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    term = (q or "").strip()
    if term:
        code = term.upper().removeprefix("QR-").lower()
        text = Q(procedure__name__icontains=term) | Q(summary__icontains=term)
        if len(code) >= 4 and all(c in "0123456789abcdef-" for c in code):
            text |= Q(public_id__startswith=code) if len(code) >= 32 else Q(public_id__istartswith=code)
        qs = qs.filter(text)
    return qs.select_related("quote", "patient").order_by("status", "respond_by", "id")


# --- Doctors a hospital may name -------------------------------------------------------------------


def verified_doctors(
    hospital: Hospital, today: datetime.date | None = None, *, specialty: str | None = None
) -> QuerySet[Doctor]:
    """The hospital's doctors holding a licence that is verified and current today; with
    ``specialty``, only the doctors listed for it (the one rule for who may be named on a plan for
    a procedure of that specialty: the form's choices and the service's check)."""
    day = today or timezone.localdate()
    current = DoctorLicence.objects.verified_current(day).filter(doctor=OuterRef("pk"))
    qs = hospital.doctors.filter(Exists(current))
    if specialty:
        qs = qs.filter(Exists(Doctor.specialties.through.objects.filter(doctor=OuterRef("pk"), specialty_id=specialty)))
    return qs.order_by("full_name", "id")


def verified_licences(doctor: Doctor, today: datetime.date | None = None) -> list[DoctorLicence]:
    day = today or timezone.localdate()
    return [lic for lic in doctor.licences.all() if lic.is_verified_current(day)]


# --- Commission ------------------------------------------------------------------------------------


def commission_in_force(hospital: Hospital, on: datetime.date | None = None) -> CommissionAgreement | None:
    day = on or timezone.localdate()
    return (
        CommissionAgreement.objects.filter(hospital=hospital, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-id")
        .first()
    )


def commission_agreements() -> QuerySet[CommissionAgreement]:
    return CommissionAgreement.objects.select_related("hospital", "hospital__country", "created_by").order_by(
        "hospital__name", "-valid_from", "id"
    )


# --- The patient's comparison ----------------------------------------------------------------------


def patient_currency(case: Case) -> str:
    """The patient's own currency: their budget's, else their country's, else USD."""
    if case.budget_currency:
        return case.budget_currency
    country = country_get(str(case.country_of_residence))
    if country is not None and country.currency_id:
        return str(country.currency_id)
    return "USD"


DEFAULT_COMPARISON_CURRENCY = "USD"


def comparison_currencies() -> list[str]:
    """Currencies every figure can be shown in: the active ISO 4217 ones the ECB publishes a rate
    for (EUR always: the ECB's rates are per euro)."""
    return sorted((set(fx_currencies()) & active_currency_codes()) | {"EUR"})


@dataclass(frozen=True)
class ComparisonCurrency:
    """The one currency of every figure on the patient's comparison, and why it was chosen."""

    code: str
    reason: str  # said on the page
    own: str  # the patient's own currency (budget, else country)
    chosen: bool  # the patient chose it on the page


def comparison_currency(case: Case, requested: str | None = None) -> ComparisonCurrency:
    """The patient's choice if the ECB has a rate for it; else their own currency if it has one;
    else USD (EUR when the ECB has no USD rate loaded), saying why."""
    own = patient_currency(case)
    usable = set(comparison_currencies())
    wanted = (requested or "").upper()
    if wanted and wanted in usable:
        return ComparisonCurrency(wanted, _("You chose %(ccy)s.") % {"ccy": wanted}, own, True)
    if own in usable:
        where = _("your budget") if case.budget_currency else _("your country")
        return ComparisonCurrency(
            own, _("%(ccy)s is your currency (from %(where)s).") % {"ccy": own, "where": where}, own, False
        )
    fallback = DEFAULT_COMPARISON_CURRENCY if DEFAULT_COMPARISON_CURRENCY in usable else "EUR"
    reason = _(
        "The European Central Bank publishes no exchange rate for %(own)s, your currency, so every amount is "
        "shown in %(ccy)s. Choose another currency below if you prefer."
    ) % {"own": own, "ccy": fallback}
    return ComparisonCurrency(fallback, reason, own, False)


@dataclass(frozen=True)
class Converted:
    amount: Decimal | None  # in the patient's currency; None = no rate
    rate_date: datetime.date | None


def _convert(amount: Decimal | None, src: str, dst: str, on: datetime.date) -> Converted:
    if amount is None:
        return Converted(None, None)
    found = fx_convert(amount, src, dst, on)
    return Converted(found[0], found[1]) if found else Converted(None, None)


@dataclass(frozen=True)
class Cell:
    status: str  # LineStatus value
    amount: Decimal | None
    currency: str
    converted: Converted
    note: str


@dataclass
class Column:
    request: QuoteRequest
    quote: Quote | None
    licences: list[DoctorLicence] = field(default_factory=list)
    total_converted: Converted = field(default_factory=lambda: Converted(None, None))
    commission_converted: Converted = field(default_factory=lambda: Converted(None, None))
    expired: bool = False
    trip: Any = None  # a discovery trip estimate, when that function exists
    price_missing: tuple[NeededItem, ...] = ()  # needed items the quote marks "not included"

    @property
    def excludes(self) -> str:
        return excludes_text(self.price_missing)

    @property
    def combined(self) -> Converted:
        """The quote's total and the travel estimate's known lines together, in the comparison
        currency (None when either is missing)."""
        known = self.trip.known_total if self.trip is not None else None
        if self.total_converted.amount is None or known is None:
            return Converted(None, None)
        return Converted(self.total_converted.amount + known, self.total_converted.rate_date)


@dataclass
class Comparison:
    currency: str
    columns: list[Column]
    rows: list[tuple[str, Any, list[Cell | None]]]
    rate_dates: list[datetime.date]
    no_rate: bool
    waiting: list[QuoteRequest]
    declined: list[QuoteRequest]

    @property
    def rate_date(self) -> datetime.date | None:
        return min(self.rate_dates) if self.rate_dates else None


def quote_of(request: QuoteRequest) -> Quote | None:
    try:
        return request.quote
    except Quote.DoesNotExist:
        return None


def quote_price_missing(quote: Quote) -> tuple[NeededItem, ...]:
    """The items the quoted procedure needs that the quote states as not included (the same list
    search uses: catalog.needed)."""
    included = {ln.item: ln.status != LineStatus.NOT_INCLUDED for ln in quote.lines.all()}
    return missing_items(quote.procedure.slug, included)


def case_comparison(case: Case, currency: str, today: datetime.date | None = None) -> Comparison:
    """The quotes of a case side by side in ``currency``: every standard item aligned row by row,
    each amount converted with the ECB rate (its date kept; None when the ECB has no rate)."""
    day = today or timezone.localdate()
    requests = list(
        QuoteRequest.objects.filter(case=case)
        .exclude(status=RequestStatus.WITHDRAWN)
        .select_related("hospital", "hospital__country", "procedure")
        .select_related("quote", "quote__procedure", "quote__doctor")
        .prefetch_related(
            Prefetch("quote__lines", queryset=QuoteLine.objects.order_by("id")),
            Prefetch("quote__doctor__licences", queryset=DoctorLicence.objects.select_related("country")),
        )
        .order_by("sent_at", "id")
    )
    columns: list[Column] = []
    waiting, declined = [], []
    rate_dates: set[datetime.date] = set()
    no_rate = False
    for r in requests:
        quote = quote_of(r)
        if quote is None:
            if r.status == RequestStatus.SENT:
                waiting.append(r)
            elif r.status == RequestStatus.DECLINED:
                declined.append(r)
            continue
        col = Column(request=r, quote=quote, licences=verified_licences(quote.doctor, day))
        col.price_missing = quote_price_missing(quote)
        col.total_converted = _convert(quote.total, quote.currency, currency, day)
        col.expired = quote.valid_until < day and r.status == RequestStatus.QUOTED
        if quote.commission_amount is not None:
            col.commission_converted = _convert(
                quote.commission_amount, quote.commission_currency or quote.currency, currency, day
            )
        columns.append(col)
    rows: list[tuple[str, Any, list[Cell | None]]] = []
    for item_id, label in OFFER_ITEMS:
        cells: list[Cell | None] = []
        for col in columns:
            assert col.quote is not None
            line = next((ln for ln in col.quote.lines.all() if ln.item == item_id), None)
            if line is None:
                cells.append(None)
                continue
            conv = (
                _convert(line.amount, col.quote.currency, currency, day)
                if line.status == LineStatus.INCLUDED
                else Converted(None, None)
            )
            cells.append(Cell(line.status, line.amount, col.quote.currency, conv, line.note))
        rows.append((item_id, label, cells))
    for col in columns:
        if col.total_converted.amount is None:
            no_rate = True
        elif col.total_converted.rate_date is not None and col.quote and col.quote.currency != currency:
            rate_dates.add(col.total_converted.rate_date)
    return Comparison(currency, columns, rows, sorted(rate_dates), no_rate, waiting, declined)


# --- Scorecards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    n: int
    value: float | None  # None when n < MIN_SAMPLE (not enough data) or n == 0
    low: float | None = None
    high: float | None = None

    @property
    def enough(self) -> bool:
        return self.n >= MIN_SAMPLE


@dataclass(frozen=True)
class Scorecard:
    hospital: Hospital
    requests: int
    answered: int
    declined: int
    demo: int  # how many of the requests are demo rows
    response_hours: Figure  # median hours from request sent to quote submitted
    accuracy: Figure  # median of billed ÷ quoted


def _figure(values: list[float]) -> Figure:
    if len(values) < MIN_SAMPLE:
        return Figure(len(values), None)
    return Figure(len(values), statistics.median(values), min(values), max(values))


def scorecards_for(hospitals: Iterable[Hospital]) -> list[Scorecard]:
    """One scorecard per hospital, from the rows (nothing stored). Three queries in all."""
    hospitals = list(hospitals)
    ids = [h.pk for h in hospitals]
    counts: dict[int, dict[str, int]] = {}
    rows = (
        QuoteRequest.objects.filter(hospital_id__in=ids)
        .values("hospital_id")
        .annotate(
            n=Count("id"),
            declined=Count("id", filter=Q(status=RequestStatus.DECLINED)),
            demo=Count("id", filter=Q(is_demo=True)),
        )
        .values_list("hospital_id", "n", "declined", "demo")
        .order_by()
    )
    for hid, n, declined, demo in rows:
        counts[hid] = {"n": n, "declined": declined, "demo": demo}
    response: dict[int, list[float]] = {}
    for hid, sent, submitted in Quote.objects.filter(request__hospital_id__in=ids).values_list(
        "request__hospital_id", "request__sent_at", "submitted_at"
    ):
        response.setdefault(hid, []).append((submitted - sent).total_seconds() / 3600)
    accuracy: dict[int, list[float]] = {}
    for hid, billed, quoted in FinalBill.objects.filter(
        request__hospital_id__in=ids, request__quote__isnull=False
    ).values_list("request__hospital_id", "amount", "request__quote__total"):
        if quoted:
            accuracy.setdefault(hid, []).append(float(Decimal(billed) / Decimal(quoted)))
    out = []
    for h in hospitals:
        c = counts.get(h.pk, {"n": 0, "declined": 0, "demo": 0})
        out.append(
            Scorecard(
                hospital=h,
                requests=c["n"],
                answered=len(response.get(h.pk, [])),
                declined=c["declined"],
                demo=c["demo"],
                response_hours=_figure(response.get(h.pk, [])),
                accuracy=_figure(accuracy.get(h.pk, [])),
            )
        )
    return out


def scorecard_hospitals_visible_to(user: Any) -> QuerySet[Hospital]:
    """Quality lead and operator: every hospital that has received a request. Partner: its own."""
    if not _signed_in(user):
        return Hospital.objects.none()
    if has_perm(user, "quotes.oversee_requests"):
        return (
            Hospital.objects.filter(Exists(QuoteRequest.objects.filter(hospital=OuterRef("pk"))))
            .select_related("country")
            .order_by("name", "id")
        )
    if has_perm(user, "quotes.answer_requests"):
        return Hospital.objects.filter(memberships__user=user).select_related("country")
    return Hospital.objects.none()


# --- Recipients and the de-identified summary ------------------------------------------------------


def hospital_partners(hospital: Hospital) -> list[User]:
    return list(holders_of("quotes.answer_requests").filter(partner_membership__hospital=hospital).order_by("pk"))


def case_names(case: Case) -> list[str]:
    return [case.full_name, case.patient.full_name]


def case_exact_identifiers(case: Case) -> list[str]:
    return [case.email, case.patient.email, str(case.phone), case.reference]


def summary_draft(case: Case) -> str:
    """A de-identified draft of what a hospital needs, prepared from the case for the case
    manager to read and edit before anything is sent."""
    names = case_names(case)
    ids = [case.reference, case.email, str(case.phone)]
    lines = [
        _("Patient living in %(country)s; preferred language %(lang)s.")
        % {"country": countries.name(str(case.country_of_residence)), "lang": case.preferred_language},
    ]
    if case.procedure_requested:
        lines.append(_("Procedure asked about: %(p)s.") % {"p": deidentify(case.procedure_requested, names=names)})
    if case.specialty_id:
        lines.append(_("Routed to: %(s)s.") % {"s": case.specialty_name})
    lines.append("")
    lines.append(_("In the patient's words (identifying details removed):"))
    lines.append(deidentify(case.need, names=names, identifiers=ids))
    if case.travel_earliest or case.travel_latest:
        lines.append("")
        lines.append(
            _("Could travel: %(window)s.")
            % {"window": travel_window_text(case.travel_earliest, case.travel_latest, months=True)}
        )
    if case.companion:
        lines.append(_("Travels with a companion."))
    return "\n".join(lines).strip()


def summary_addition(case: Case, scope: str) -> str:
    """What the registered summary parts (``summary_parts``) add, de-identified, for a hospital
    whose consent has ``scope``: "" when the scope covers none or they have nothing."""
    names = case_names(case)
    ids = [case.reference, case.email, str(case.phone), case.patient.email]
    blocks = []
    for part in summary_parts_for(scope):
        lines = [deidentify(line, names=names, identifiers=ids) for line in part.lines(case)]
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def summary_for_scope(summary: str, case: Case, scope: str) -> str:
    """The summary one hospital reads: the case manager's text, then the parts its consent covers."""
    addition = summary_addition(case, scope)
    return f"{summary}\n\n{addition}" if addition else summary


# --- Sending requests --------------------------------------------------------------------------------
