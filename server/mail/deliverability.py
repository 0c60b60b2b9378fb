"""Deliverability check of a sender's domain: MX, SPF and DMARC in DNS (``dnspython``).

Switchable and off by default (desks and CI may have no DNS): the server runs
it at preview time only when :attr:`server.settings.ServerSettings.mail_dns_check`
is on (``serve`` reads ``$CREDENCIALIZACION_MAIL_DNS_CHECK=1``), and
``credencializacion-server mail check-domain DOMINIO`` runs it on demand.

What it looks at (each finding has a level ``ok`` / ``aviso`` / ``error`` and a
Spanish message for the people who run the campaign):

- **MX** (RFC 5321 §5.1): the domain must exist and receive mail, or
  replies and bounce reports addressed to the sender are lost.
- **SPF** (RFC 7208): exactly one ``v=spf1`` TXT record (two is a
  *permerror*, §4.5); ``+all`` authorises everyone (error), ``?all``
  authorises no one in particular (aviso); at most 10 DNS-querying terms
  (§4.6.4) counted at the top level; when the sender's SMTP host is a
  known provider, its include must be there (Exchange Online
  ``spf.protection.outlook.com``, Google ``_spf.google.com``).
- **DKIM** (RFC 6376 §3.6.2.1): a public key (TXT ``v=DKIM1; … p=…``) at
  ``<selector>._domainkey.<domain>`` for at least one selector — those given,
  or the provider's defaults (:data:`PROVIDER_DKIM`); not checked when neither
  is known. Missing: aviso (the key may sit under another selector).
- **DMARC** (RFC 7489 §6.1): one ``v=DMARC1`` TXT record at
  ``_dmarc.<domain>``. Gmail requires SPF, DKIM and DMARC from senders of
  5,000 or more messages a day (support.google.com/a/answer/14229414);
  ``p=none`` only monitors (aviso).

Never raises for DNS trouble: a timeout or no reachable resolver becomes one
``aviso`` finding and ``checked=False``. Tests point ``nameservers`` at a
stub DNS server on 127.0.0.1 (``tests/server/mail/dns_stub.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

#: SMTP host suffix → the SPF include that authorises that provider's servers.
PROVIDER_SPF = {
    ".office365.com": ("Exchange Online", "spf.protection.outlook.com"),
    ".outlook.com": ("Exchange Online", "spf.protection.outlook.com"),
    ".gmail.com": ("Google Workspace", "_spf.google.com"),
    ".google.com": ("Google Workspace", "_spf.google.com"),
}
#: Provider → its default DKIM selectors (Microsoft 365: selector1/selector2 as CNAMEs to the
#: tenant; Google Workspace: "google" unless the admin chose another prefix).
PROVIDER_DKIM = {"Exchange Online": ("selector1", "selector2"), "Google Workspace": ("google",)}
#: SPF terms that cost a DNS lookup (RFC 7208 §4.6.4).
_LOOKUP_TERMS = frozenset({"include", "a", "mx", "ptr", "exists", "redirect"})

OK, WARN, ERROR = "ok", "aviso", "error"


@dataclass(frozen=True)
class Finding:
    """One result: ``level`` (ok|aviso|error), ``topic`` (mx|spf|dkim|dmarc|dns), Spanish ``message``."""

    level: str
    topic: str
    message: str

    def to_dict(self) -> dict:
        return {"level": self.level, "topic": self.topic, "message": self.message}


@dataclass
class DomainReport:
    """The findings for ``domain``; ``checked`` is False when DNS could not be asked at all."""

    domain: str
    findings: list[Finding] = field(default_factory=list)
    checked: bool = True
    mx: list[str] = field(default_factory=list)
    spf: str = ""
    dmarc: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing is at level ``error``."""
        return all(f.level != ERROR for f in self.findings)

    def add(self, level: str, topic: str, message: str) -> None:
        self.findings.append(Finding(level, topic, message))

    def to_dict(self) -> dict:
        return {"domain": self.domain, "ok": self.ok, "checked": self.checked, "mx": self.mx, "spf": self.spf,
                "dmarc": self.dmarc, "findings": [f.to_dict() for f in self.findings]}

    def text(self) -> str:
        """The report in Spanish, one line per finding."""
        marks = {OK: "✓", WARN: "!", ERROR: "✗"}
        head = f"Dominio remitente {self.domain}: " + ("sin problemas graves." if self.ok else "hay problemas.")
        return "\n".join([head] + [f"  {marks[f.level]} {f.message}" for f in self.findings])


class _DnsDown(Exception):
    pass


def make_resolver(nameservers: list[str] | tuple[str, ...] = (), timeout_s: float = 3.0):
    """A ``dns.resolver.Resolver``: the system's, or one asking ``nameservers``
    (``"IP"`` or ``"IP:PORT"``; all must share the port). ``timeout_s`` bounds each whole query."""
    import dns.resolver

    if nameservers:
        resolver = dns.resolver.Resolver(configure=False)
        hosts, ports = [], set()
        for item in nameservers:
            host, _, port = item.rpartition(":") if item.count(":") == 1 else (item, "", "53")
            hosts.append(host)
            ports.add(int(port or 53))
        resolver.nameservers = hosts
        resolver.port = ports.pop() if len(ports) == 1 else 53
    else:
        try:
            resolver = dns.resolver.Resolver()
        except dns.resolver.NoResolverConfiguration:
            resolver = dns.resolver.Resolver(configure=False)
    resolver.lifetime = timeout_s
    resolver.timeout = timeout_s
    return resolver


def _query(resolver, name: str, rtype: str):
    """The answer for ``rtype`` at ``name``; None when the name does not exist, ``[]`` when it has no
    such record; :class:`_DnsDown` when no server answered (timeout, SERVFAIL everywhere)."""
    import dns.exception
    import dns.resolver

    try:
        return resolver.resolve(name, rtype)
    except dns.resolver.NXDOMAIN:
        return None
    except dns.resolver.NoAnswer:
        return []
    except (dns.resolver.NoNameservers, dns.exception.Timeout) as exc:
        raise _DnsDown(str(exc)) from None


def _txt(resolver, name: str) -> list[str] | None:
    """TXT strings at ``name`` (joined per record); None when the name does not exist."""
    answer = _query(resolver, name, "TXT")
    return answer if not answer else [b"".join(r.strings).decode("utf-8", "replace") for r in answer]


def _mx(resolver, name: str) -> list[str] | None:
    """MX hosts at ``name`` by preference; None when the name does not exist."""
    answer = _query(resolver, name, "MX")
    return answer if not answer else [str(r.exchange).rstrip(".") for r in sorted(answer, key=lambda r: r.preference)]


def _check_spf(report: DomainReport, records: list[str], smtp_host: str) -> None:
    spf = [r for r in records if r.lower().split(" ", 1)[0] == "v=spf1"]
    if not spf:
        report.add(ERROR, "spf", "No tiene registro SPF (TXT «v=spf1 …»): Gmail y Outlook pueden mandar los "
                                 "avisos a correo no deseado o rechazarlos. Pida a Sistemas que lo publique.")
        return
    if len(spf) > 1:
        report.add(ERROR, "spf", f"Tiene {len(spf)} registros SPF; debe haber uno solo (con dos, los servidores "
                                 "receptores tratan el SPF como inválido).")
        return
    report.spf = spf[0]
    terms = [t.lower() for t in spf[0].split()[1:]]
    lookups = sum(1 for t in terms if re.split(r"[:/=]", t.lstrip("+-~?"), maxsplit=1)[0] in _LOOKUP_TERMS)
    if lookups > 10:
        report.add(ERROR, "spf", f"El SPF pide {lookups} consultas DNS; el máximo es 10 y con más se considera "
                                 "inválido.")
    if "+all" in terms or "all" in terms:
        report.add(ERROR, "spf", "El SPF termina en «+all»: autoriza a cualquier servidor a enviar a nombre del "
                                 "dominio. Cámbielo a «~all» o «-all».")
    elif "?all" in terms:
        report.add(WARN, "spf", "El SPF termina en «?all» (neutral): no protege al dominio; use «~all» o «-all».")
    host = (smtp_host or "").lower().rstrip(".")
    for suffix, (provider, include) in PROVIDER_SPF.items():
        if ("." + host).endswith(suffix):
            if f"include:{include}" not in terms:
                report.add(ERROR, "spf", f"La cuenta remitente envía por {provider} ({host}) pero el SPF no "
                                         f"incluye «include:{include}»: los avisos saldrán sin autorización SPF.")
            break
    if not any(f.topic == "spf" for f in report.findings):
        report.add(OK, "spf", f"SPF publicado: {spf[0]}")


def _check_dmarc(report: DomainReport, records: list[str] | None) -> None:
    dmarc = [r for r in (records or []) if r.replace(" ", "").lower().startswith("v=dmarc1")]
    if not dmarc:
        report.add(WARN, "dmarc", "No tiene registro DMARC (TXT en _dmarc." + report.domain + "): Gmail lo exige "
                                  "a quien envía 5,000 correos o más al día.")
        return
    if len(dmarc) > 1:
        report.add(ERROR, "dmarc", f"Tiene {len(dmarc)} registros DMARC; debe haber uno solo.")
        return
    report.dmarc = dmarc[0]
    tags = {}
    for part in dmarc[0].split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            tags[key.strip().lower()] = value.strip().lower()
    policy = tags.get("p", "")
    if policy in ("quarantine", "reject"):
        report.add(OK, "dmarc", f"DMARC publicado con política «{policy}».")
    elif policy == "none":
        report.add(WARN, "dmarc", "DMARC con política «none»: solo observa, no protege contra suplantación.")
    else:
        report.add(ERROR, "dmarc", f"El registro DMARC no tiene una política válida (p={policy or 'vacía'}).")


def _provider(smtp_host: str) -> str:
    host = (smtp_host or "").lower().rstrip(".")
    return next((name for suffix, (name, _) in PROVIDER_SPF.items() if ("." + host).endswith(suffix)), "")


def _check_dkim(report: DomainReport, resolver, selectors) -> None:
    found = []
    for selector in selectors:
        records = _txt(resolver, f"{selector}._domainkey.{report.domain}") or []
        for record in records:
            tags = dict(part.strip().split("=", 1) for part in record.split(";") if "=" in part)
            if tags.get("p", "").strip():  # an empty p= is a revoked key (RFC 6376 §3.6.1)
                found.append(selector)
                break
    if found:
        report.add(OK, "dkim", f"DKIM publicado (selector {', '.join(found)}).")
    else:
        report.add(WARN, "dkim", f"No se encontró la clave DKIM en {', '.join(f'{s}._domainkey' for s in selectors)}: "
                                 "sin firma DKIM, Gmail puede rechazar los avisos de quien envía 5,000 o más al "
                                 "día. Pida a Sistemas que active DKIM (o indique el selector correcto).")


def check_sender_domain(domain: str, smtp_host: str = "", resolver=None,
                        dkim_selectors: tuple[str, ...] | list[str] = ()) -> DomainReport:
    """Check ``domain`` (the part after @ of a sender address); ``smtp_host`` is the sender
    account's SMTP server (to expect its provider's SPF include and DKIM selectors);
    ``dkim_selectors`` overrides those selectors; ``resolver`` defaults to
    :func:`make_resolver` (the system's). See module docstring."""
    import dns.exception
    import dns.name

    domain = (domain or "").strip().lower().rstrip(".")
    report = DomainReport(domain)
    try:
        dns.name.from_text(domain)
        if "." not in domain:
            raise ValueError
    except (dns.exception.DNSException, ValueError):
        report.add(ERROR, "dns", f"«{domain}» no es un nombre de dominio válido.")
        return report
    resolver = resolver if resolver is not None else make_resolver()
    try:
        mx = _mx(resolver, domain)
        if mx is None:
            report.add(ERROR, "mx", f"El dominio {domain} no existe en el DNS.")
            return report
        if mx:
            report.mx = mx
            report.add(OK, "mx", f"Recibe correo en {', '.join(mx[:3])}.")
        else:
            report.add(ERROR, "mx", f"El dominio {domain} no tiene servidores de correo (MX): las respuestas y los "
                                    "rebotes de los avisos no llegarían.")
        _check_spf(report, _txt(resolver, domain) or [], smtp_host)
        selectors = tuple(dkim_selectors) or PROVIDER_DKIM.get(_provider(smtp_host), ())
        if selectors:
            _check_dkim(report, resolver, selectors)
        _check_dmarc(report, _txt(resolver, f"_dmarc.{domain}"))
    except _DnsDown as exc:
        report.checked = False
        report.add(WARN, "dns", f"No se pudo consultar el DNS para {domain} (¿sin red o sin servidor DNS?): {exc}")
    return report
