"""Documents that leave the helpdesk: the case file PDF and the evidence bundle.

Rendering only: the data comes from services (services.casefile). `pdf` is the one module
that calls WeasyPrint, with a URL fetcher that serves our own stylesheet and images and
refuses everything else; `fast` holds the speed-ups that reach into WeasyPrint's internals
(the same PDF, byte for byte, faster).
"""
