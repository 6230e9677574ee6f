"""`manage.py simulated_network`: run the simulated telephone network (Twilio and the leads) for rehearsals."""
from __future__ import annotations

import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.rehearsals.network.exchange import SimulatedNetwork


class Command(BaseCommand):
    help = ("Run the simulated telephone network: it answers dial requests with persona leads over Twilio's "
            "protocols (signed callbacks, media stream), against the web server at --web-url.")

    def add_arguments(self, parser):
        parser.add_argument("--web-url", default=settings.SIMULATED_NETWORK_WEB_URL,
                            help="the platform's web server (callbacks and /media/stream); "
                                 "default SIMULATED_NETWORK_WEB_URL")
        parser.add_argument("--max-calls", type=int, help="take this many calls, finish them, and exit")
        parser.add_argument("--stt-threads", type=int, default=1,
                            help="CPU threads for the network's own Whisper (it transcribes the agent)")

    def handle(self, *args, web_url: str, max_calls: int | None, stt_threads: int, **options):
        network = SimulatedNetwork(web_url, settings.SIMULATED_NETWORK_TOKEN, settings.REDIS_URL,
                                   max_calls=max_calls, stt_threads=stt_threads)
        asyncio.run(network.run())
