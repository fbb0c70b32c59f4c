"""Schemathesis checks for the BFF's GraphQL fuzzing pass.

Schemathesis's own `not_a_server_error` counts every GraphQL execution
error as a server fault, but refusing bad input with a coded error is the
contract here (BAD_USER_INPUT, PAGE_SIZE_TOO_LARGE, NOT_FOUND...). What
must never happen: a 5xx, a body that is not a GraphQL response, an error
without a code, or an INTERNAL one.
"""

import schemathesis


@schemathesis.check
def graphql_errors_are_coded(ctx, response, case):
    assert response.status_code < 500, f"HTTP {response.status_code}"
    body = response.json()
    assert isinstance(body, dict) and ("data" in body or "errors" in body), f"not a GraphQL response: {body!r}"
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code, f"an error without extensions.code: {error}"
        # UNAVAILABLE is an outage; the app under test is healthy.
        assert code not in ("INTERNAL", "UNAVAILABLE"), f"a server-side error: {error}"
