"""Twilio's status and answering-machine callbacks (signature checked, replays refused, idempotent), the
staff-only live-calls page, and the staff-only downloads: call recordings and appointment invites (iCalendar)."""
from __future__ import annotations

import datetime as dt
import email.utils
import logging

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from apps.calls import inbound, live, transfers
from apps.calls.lifecycle import UnknownCall, record_call_event
from apps.calls.models import Appointment, Call, HumanAgent, TransferLeg
from apps.calls.scheduling import appointment_ics as build_ics
from apps.core.permissions import staff_page
from apps.integrations.telephony import twiml
from apps.integrations.telephony.twilio import public_url, stream_twiml
from apps.leads.do_not_call import add_to_do_not_call, revokes_consent
from apps.leads.models import DoNotCall, mask_phone
from apps.leads.phones import normalize_or_none

log = logging.getLogger(__name__)


def _signer(request: HttpRequest, provider: str) -> tuple[str, str] | None:
    """The token that signs this provider's callbacks, and the URL it signed."""
    if provider == "simulated":
        # The simulated network calls us directly (no proxy) and signs, as Twilio does, what it called.
        return settings.SIMULATED_NETWORK_TOKEN, request.build_absolute_uri()
    if not settings.TWILIO_AUTH_TOKEN or not settings.PUBLIC_BASE_URL:
        return None
    # Twilio signs the URL it called, which is our public one, not what the proxy passed on.
    return settings.TWILIO_AUTH_TOKEN, public_url(request.get_full_path())


def _refusal(request: HttpRequest, provider: str, *, stamped: bool) -> str | None:
    """Why this request is not a genuine, fresh Twilio (or simulated network) callback; None when it is.
    `stamped`: it must carry a Timestamp (status callbacks do; the answering-machine callback does not)."""
    signer = _signer(request, provider)
    if signer is None:
        return "Twilio callbacks are not configured here"
    token, url = signer
    signature = request.headers.get("X-Twilio-Signature", "")
    if not RequestValidator(token).validate(url, request.POST.dict(), signature):
        return "invalid signature"
    return _staleness(request.POST.get("Timestamp", ""), required=stamped)


def _staleness(stamp: str, *, required: bool) -> str | None:
    """Why the signed Timestamp does not show a fresh callback: missing where Twilio always sends one,
    unreadable, or outside TWILIO_CALLBACK_MAX_AGE_SECONDS (a captured callback replayed)."""
    if not stamp:
        return "no Timestamp: cannot tell a replay" if required else None
    try:
        sent = email.utils.parsedate_to_datetime(stamp)
    except (TypeError, ValueError):
        return "unreadable timestamp"
    if sent.tzinfo is None:  # RFC 2822's "-0000": UTC
        sent = sent.replace(tzinfo=dt.UTC)
    age = (timezone.now() - sent).total_seconds()
    if age > settings.TWILIO_CALLBACK_MAX_AGE_SECONDS or age < -300:
        return "stale callback (replayed?)"
    return None


def _apply(request: HttpRequest, call_id: int, status: str, *, stamped: bool) -> HttpResponse:
    provider = "simulated" if Call.objects.filter(pk=call_id, provider="simulated").exists() else "twilio"
    if reason := _refusal(request, provider, stamped=stamped):
        log.warning("refused %s callback for call %s: %s", provider, call_id, reason)
        return JsonResponse({"error": reason}, status=403)
    duration = request.POST.get("CallDuration")
    try:
        record_call_event(call_id, request.POST.get("CallSid", ""), status,
                          duration=int(duration) if duration and duration.isdigit() else None,
                          answered_by=request.POST.get("AnsweredBy", ""), provider=provider)
    except UnknownCall as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest, call_id: int) -> HttpResponse:
    return _apply(request, call_id, request.POST.get("CallStatus", ""), stamped=True)


@csrf_exempt
@require_POST
def twilio_amd(request: HttpRequest, call_id: int) -> HttpResponse:
    """Asynchronous answering-machine detection result: who (or what) picked up. Twilio sends it without a
    Timestamp, so a replay is not refused here: the verdict applies once, to a call still on the line
    (record_call_event), and anything else is answered 204 and changes nothing."""
    return _apply(request, call_id, "", stamped=False)


def _leg_request(request: HttpRequest, leg_id: int, *, stamped: bool) -> tuple[HttpResponse | None, str]:
    """(the refusal of a webhook for a transfer leg: unknown leg, bad signature, stale, another call's sid; or None
    when it is genuine), and the leg's provider."""
    leg = TransferLeg.objects.filter(pk=leg_id).values("provider_call_id", "transfer__call__provider").first()
    if leg is None:
        return JsonResponse({"error": "no such transfer leg"}, status=404), ""
    provider = "simulated" if leg["transfer__call__provider"] == "simulated" else "twilio"
    if reason := _refusal(request, provider, stamped=stamped):
        log.warning("refused %s transfer webhook for leg %s: %s", provider, leg_id, reason)
        return JsonResponse({"error": reason}, status=403), provider
    sid = request.POST.get("CallSid", "")
    if leg["provider_call_id"] and sid != leg["provider_call_id"]:
        return JsonResponse({"error": "not this leg's call"}, status=404), provider
    return None, provider


def _our_url(request: HttpRequest, provider: str, path: str) -> str:
    """Where the provider calls us back: the simulated network at the address it used, Twilio at the public one."""
    return request.build_absolute_uri(path) if provider == "simulated" else public_url(path)


def _twiml(document: str) -> HttpResponse:
    return HttpResponse(document, content_type="text/xml")


GONE = "Sorry, the caller is no longer waiting. Goodbye."


@csrf_exempt
@require_POST
def transfer_whisper(request: HttpRequest, leg_id: int) -> HttpResponse:
    """The human answered their phone: they hear who is waiting and press 1 to take the call (TwiML)."""
    refused, provider = _leg_request(request, leg_id, stamped=False)
    if refused:
        return refused
    summary = transfers.leg_answered(leg_id)
    if summary is None:
        return _twiml(twiml.passed(GONE))
    action = _our_url(request, provider, reverse("twilio-transfer-answer", args=[leg_id]))
    return _twiml(twiml.whisper(summary, action, seconds=settings.TRANSFER_DECIDE_SECONDS))


@csrf_exempt
@require_POST
def transfer_answer(request: HttpRequest, leg_id: int) -> HttpResponse:
    """The human's key after the summary (Gather's action; none pressed: empty Digits). 1 puts them through."""
    refused, _ = _leg_request(request, leg_id, stamped=False)
    if refused:
        return refused
    outcome = transfers.leg_pressed(leg_id, request.POST.get("Digits", ""))
    if outcome == "accepted":
        room = TransferLeg.objects.select_related("transfer").get(pk=leg_id).transfer.conference
        return _twiml(twiml.join(room, time_limit=settings.TRANSFER_TALK_MAX_SECONDS, say="Connecting you now."))
    return _twiml(twiml.passed("Okay, we'll find someone else. Goodbye." if outcome == "passed" else GONE))


@csrf_exempt
@require_POST
def transfer_status(request: HttpRequest, leg_id: int) -> HttpResponse:
    """Status callbacks for a human's leg: ringing, and how it ended (no answer, busy, hung up, talked)."""
    refused, _ = _leg_request(request, leg_id, stamped=True)
    if refused:
        return refused
    duration = request.POST.get("CallDuration", "")
    TransferLeg.objects.filter(pk=leg_id, provider_call_id="").update(provider_call_id=request.POST.get("CallSid", ""))
    transfers.leg_status(leg_id, request.POST.get("CallStatus", ""),
                         duration=int(duration) if duration.isdigit() else None)
    return HttpResponse(status=204)


def _inbound_provider(request: HttpRequest, *, stamped: bool) -> tuple[str, str | None]:
    """(which network signed this webhook for one of our numbers: twilio or simulated, the refusal when neither)."""
    refusal = _refusal(request, "twilio", stamped=stamped)
    if refusal is None:
        return "twilio", None
    if _refusal(request, "simulated", stamped=stamped) is None:
        return "simulated", None
    return "", refusal


@csrf_exempt
@require_POST
def twilio_voice(request: HttpRequest) -> HttpResponse:
    """A call to one of our numbers (the number's "A call comes in" webhook): answered by the agent with the same
    media pipeline, the caller matched to their lead (apps.calls.inbound); TwiML <Connect><Stream>."""
    provider, refusal = _inbound_provider(request, stamped=False)
    if refusal:
        log.warning("refused an inbound-call webhook: %s", refusal)
        return JsonResponse({"error": refusal}, status=403)
    answered = inbound.answer_inbound(request.POST.get("From", ""), request.POST.get("To", ""),
                                      request.POST.get("CallSid", ""), provider)
    if answered.call is None:
        return _twiml(twiml.passed(answered.why_not))
    return _twiml(stream_twiml(answered.call, stream_url=None if provider == "twilio" else _stream_url(request)))


def _stream_url(request: HttpRequest) -> str:
    """The media stream's address as the simulated network reaches us (directly, no proxy)."""
    scheme = "wss" if request.is_secure() else "ws"
    return f"{scheme}://{request.get_host()}{settings.MEDIA_STREAM_PATH}"


@csrf_exempt
@require_POST
def twilio_voice_status(request: HttpRequest) -> HttpResponse:
    """Status callbacks for calls to our numbers (the number's "Call status changes" webhook), by CallSid."""
    provider, refusal = _inbound_provider(request, stamped=True)
    if refusal:
        return JsonResponse({"error": refusal}, status=403)
    call_id = Call.objects.filter(provider_call_id=request.POST.get("CallSid", ""),
                                  direction=Call.Direction.INBOUND).values_list("pk", flat=True).first()
    if call_id is None:
        return HttpResponse(status=204)  # a call we did not answer (no campaign took it): nothing to keep
    duration = request.POST.get("CallDuration", "")
    record_call_event(call_id, request.POST.get("CallSid", ""), request.POST.get("CallStatus", ""),
                      duration=int(duration) if duration.isdigit() else None, provider=provider)
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_sms(request: HttpRequest) -> HttpResponse:
    """A text to the campaign's number (a reply to a voicemail drop or to a message): one that revokes consent
    ("STOP", "please don't call me again") puts the sender's number on the do-not-call list for every campaign at
    once, and is answered with a one-time confirmation (which the FCC allows). Signed like every Twilio webhook;
    Twilio sends no Timestamp here, and a replayed STOP changes nothing (the number is listed once)."""
    if reason := _refusal(request, "twilio", stamped=False):
        log.warning("refused Twilio message webhook: %s", reason)
        return JsonResponse({"error": reason}, status=403)
    sender = normalize_or_none(request.POST.get("From", ""))
    reply = MessagingResponse()
    if sender and revokes_consent(request.POST.get("Body", "")[:1600]):
        add_to_do_not_call(sender, "texted: " + request.POST.get("Body", "")[:200], DoNotCall.Source.TEXT_REPLY)
        log.info("%s revoked consent by text", mask_phone(sender))
        reply.message("You're unsubscribed: we won't call or text this number again.")
    return HttpResponse(str(reply), content_type="text/xml")


@staff_member_required
def live_calls(request: HttpRequest) -> HttpResponse:
    """Calls as they happen: rendered from the database, then kept current over ws/live/ (LiveCallsConsumer)."""
    if not live.may_watch_calls(request.user):
        return JsonResponse({"error": "not allowed"}, status=403)
    return render(request, "calls/live.html", {**admin.site.each_context(request), "title": "Live calls",
                                                "state": live.snapshot(), "on_call": live.on_call(),
                                                "may_switch": request.user.has_perm("calls.change_humanagent")})


@require_POST
@staff_page("calls.change_humanagent")
def switch_transfers(request: HttpRequest, agent_id: int) -> HttpResponse:
    """A human agent's "taking live transfers" switch, flipped from the live-calls page."""
    human = get_object_or_404(HumanAgent, pk=agent_id, is_active=True)
    human.takes_transfers = request.POST.get("taking") == "1"
    human.save(update_fields=["takes_transfers"])
    log.info("user %s: %s %s live transfers", request.user.pk, human.name,
             "takes" if human.takes_transfers else "no longer takes")
    return redirect("live-calls")


@staff_page("calls.view_call")
def call_recording(request: HttpRequest, call_id: int) -> HttpResponse:
    """The call's stereo recording, for staff allowed to see calls (recordings are personal data:
    never served from a public media URL)."""
    call = get_object_or_404(Call, pk=call_id)
    if not call.recording:
        return JsonResponse({"error": "this call has no recording"}, status=404)
    return FileResponse(call.recording.open("rb"), content_type="audio/wav")


@staff_page("calls.view_appointment")
def appointment_ics(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The appointment's calendar invite, for staff allowed to see appointments (it names the lead)."""
    appointment = get_object_or_404(Appointment.objects.select_related("lead__campaign", "agent"), pk=appointment_id)
    method = "CANCEL" if appointment.status == Appointment.Status.CANCELLED else "REQUEST"
    response = HttpResponse(build_ics(appointment), content_type=f"text/calendar; method={method}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response
