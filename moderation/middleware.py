from moderation import rules, trust


class RulesMiddleware:
    """One look at the policy and block rules' version per request (``moderation.rules``):
    every question the request asks the policy is answered from that one reading."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = rules.begin_request(request)
        try:
            return self.get_response(request)
        finally:
            rules.end_request(token)


class TrustMiddleware:
    """Gives the browser that sent a comment a signed cookie naming it, and lets the
    pipeline ask whether the request being served is a trusted commenter's (see ``trust``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = trust.begin_request(request)
        try:
            response = self.get_response(request)
        finally:
            ids = trust.end_request(token)
        if ids:
            trust.remember(request, response, ids)
        return response
