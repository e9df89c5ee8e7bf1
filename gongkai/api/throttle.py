"""Rate limiting of the API: GONGKAI_API_REQUESTS_PER_MINUTE per client address, counted in
the default cache (shared by every worker), with ninja's throttle. The address is the one
django-axes counts logins by (``staff.security.client_ip``: behind the proxy, the entry nginx
appended to X-Forwarded-For)."""

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from gongkai.staff.security import client_ip


class ClientThrottle(SimpleRateThrottle):
    scope = "api"

    def __init__(self):
        super().__init__(rate="1/m")  # replaced by the setting at each request

    def allow_request(self, request) -> bool:
        # Read at each request, so that the setting (and a test's override) is what counts.
        self.num_requests, self.duration = settings.API_REQUESTS_PER_MINUTE, 60
        return not self.num_requests or super().allow_request(request)

    def get_cache_key(self, request) -> str:
        return f"throttle:api:{client_ip(request)}"
