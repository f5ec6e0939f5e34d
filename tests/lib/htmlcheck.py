#!/usr/bin/env python3
"""Static checks of a summary page: what elements and attributes it has.

    htmlcheck.py FILE

Prints one line per problem: an element outside the page's vocabulary,
an attribute that could run or fetch something (on*, src, style, action,
a link that leaves the page or its siblings: the summaries and customer
pages in its directory), a missing or weak Content-Security-Policy
meta tag.  Nothing is printed for a page that is right.
"""
import re
import sys
from html.parser import HTMLParser

ELEMENTS = {"html", "head", "meta", "title", "style", "body", "header",
            "nav", "a", "section", "h1", "h2", "h3", "p", "div", "span",
            "figure", "figcaption", "svg", "g", "rect", "line", "text",
            "table", "thead", "tbody", "tr", "th", "td", "ul", "li",
            "time", "code", "footer", "sup"}
ATTRS = {"charset", "http-equiv", "content", "name", "lang", "href", "id",
         "class", "datetime", "data-label", "viewbox", "role",
         "aria-labelledby", "xmlns", "x", "y", "x1", "y1", "x2", "y2",
         "width", "height", "text-anchor"}

# The pages beside a page in its directory: summaries and customer pages,
# by their safe names.
SIBLING = re.compile(r"^(summary-\d{4}-\d\d-\d\d|customer-[A-Za-z0-9._-]+)"
                     r"\.html$")


class Check(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad, self.csp = [], None

    def handle_starttag(self, tag, attrs):
        if tag not in ELEMENTS:
            self.bad.append("element <%s>" % tag)
        for k, v in attrs:
            if k not in ATTRS:
                self.bad.append("attribute %s on <%s>" % (k, tag))
            if k == "href" and not (v or "").startswith("#") and \
                    not SIBLING.match(v or ""):
                self.bad.append("link out: %r" % v)
            if k == "xmlns" and v != "http://www.w3.org/2000/svg":
                self.bad.append("xmlns %r" % v)
        d = dict(attrs)
        if tag == "meta" and d.get("http-equiv") == \
                "Content-Security-Policy":
            self.csp = d.get("content", "")


def main():
    c = Check()
    c.feed(open(sys.argv[1], encoding="utf-8").read())
    for b in c.bad:
        print(b)
    if c.csp is None:
        print("no Content-Security-Policy meta tag")
    else:
        parts = {p.strip().split(" ")[0]: p.strip() for p in c.csp.split(";")}
        if parts.get("default-src") != "default-src 'none'":
            print("CSP default-src is not 'none': %r" % c.csp)
        if "script-src" in parts:
            print("CSP allows scripts: %r" % c.csp)


if __name__ == "__main__":
    main()
