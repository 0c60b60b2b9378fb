"""A stub authoritative DNS server over UDP on 127.0.0.1 (``dnspython`` wire format).

``DnsStub(zone)`` answers from ``zone``: ``{(name, rdtype): [rdata text, …]}``,
e.g. ``{("conalepmex.edu.mx", "MX"): ["10 mx1.conalepmex.edu.mx."]}``. A name
with no entry of any type answers NXDOMAIN; a known name without the asked
type answers NOERROR with no records; a ``CNAME`` entry is followed once
(alias + target records in one answer). ``drop=True`` never answers (a DNS
that is down). No internet is needed: the resolver under test is pointed at
``stub.address``.
"""
from __future__ import annotations

import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class DnsStub:
    def __init__(self, zone: dict[tuple[str, str], list[str]], drop: bool = False):
        self.zone = {(n.lower().rstrip("."), t.upper()): v for (n, t), v in zone.items()}
        self.names = {n for n, _ in self.zone}
        self.drop = drop
        self.queries: list[tuple[str, str]] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                wire, peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            query = dns.message.from_wire(wire)
            question = query.question[0]
            name = question.name.to_text().lower().rstrip(".")
            rdtype = dns.rdatatype.to_text(question.rdtype)
            self.queries.append((name, rdtype))
            if self.drop:
                continue
            response = dns.message.make_response(query)
            response.flags |= dns.flags.AA
            cname = self.zone.get((name, "CNAME"))
            if cname and rdtype != "CNAME":  # follow one alias, as an authoritative server in-zone does
                response.answer.append(dns.rrset.from_text_list(question.name, 300, "IN", "CNAME", cname))
                target = cname[0].lower().rstrip(".")
                if self.zone.get((target, rdtype)):
                    response.answer.append(dns.rrset.from_text_list(target + ".", 300, "IN", rdtype,
                                                                    self.zone[(target, rdtype)]))
            elif name not in self.names:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif self.zone.get((name, rdtype)):
                response.answer.append(dns.rrset.from_text_list(question.name, 300, "IN", rdtype,
                                                                self.zone[(name, rdtype)]))
            self.sock.sendto(response.to_wire(), peer)

    def __enter__(self) -> "DnsStub":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
