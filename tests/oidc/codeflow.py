#!/usr/bin/env python3
"""codeflow.py - the sign-in without a browser, for the cheap cases of t2170.

    codeflow.py AIVALUE_URL LOGIN

Starts at AIVALUE_URL/login/sso, follows the redirects to the provider
(tests/oidc/provider.mjs), fills its dev login form (any password) and its
consent form, and follows the redirects back to the callback.  Prints the
callback's HTTP status and the aiv_session cookie it set ("-" if none).
Standard library only.
"""
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


def form(html, base):
    """The action URL and the hidden fields of the page's form."""
    action = re.search(r'<form[^>]*action="([^"]+)"', html).group(1)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    return urllib.parse.urljoin(base, action), hidden


def main():
    base, login = sys.argv[1], sys.argv[2]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status = 0
    try:
        r = opener.open(base + "/login/sso", timeout=30)
        for fields in ({"login": login, "password": "any"}, {}):
            html = r.read().decode()
            if r.geturl().startswith(base):
                break  # back at aivalue: no consent page this time
            url, data = form(html, r.geturl())
            data.update(fields)
            r = opener.open(url, urllib.parse.urlencode(data).encode(), timeout=30)
        status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    sid = [c.value for c in jar if c.name == "aiv_session"]
    print(status, "aiv_session=" + sid[0] if sid else "-")


main()
