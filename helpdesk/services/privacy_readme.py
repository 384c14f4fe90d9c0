"""The README.txt of a personal-data export: what each part of the ZIP holds, in plain words,
and how long the shop keeps it (read from the settings, like the /privacy page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from .privacy_data import PersonData

_BODY = """\
Your personal data held by the complaints helpdesk of {shop}
Exported on {date} (UTC) for {email}.

This archive holds everything our complaints helpdesk keeps about the address above.

data.json
    All the data, as JSON (UTF-8). Dates and times are ISO 8601, in UTC.
    complaints            each complaint made from your address, with the details given
                          (name, email, order number, category, description, preferred
                          solution), its status, its dates and the dates we promised;
      messages            what you wrote to us and what we wrote to you;
      internal_notes      {notes};
      outcomes            our outcome and final response, with their details;
      rating              your rating of the resolution, if you gave one;
      referrals           the dispute bodies the case was taken to;
      files               the files you uploaded and the files we sent you;
      original_emails     the emails you sent us, kept exactly as they arrived;
      emails_sent_to_you  the emails we sent (or tried to send) you;
      history             every step of the case (the audit trail), without our staff's
                          names;
      retention           why, and until when, we keep the complaint.
    other_emails_to_you          emails to your address that belong to no complaint;
    quarantined_emails_from_you  emails from you that our system could not take in.

files/REFERENCE/     copies of the files of each complaint
emails/REFERENCE/    copies of your original emails (.eml, open them with any mail program)
quarantined/         copies of the emails we could not take in

data.json gives each file's SHA-256 checksum; "in_this_export": false means the file
itself is no longer stored.

How long we keep it
    {retention}
    {hold}

To ask us to correct or erase your data, email {complaints} from this address.
"""


def readme_text(person: PersonData) -> str:
    """README.txt for this export."""
    config = current_app.config
    data = person.data
    notes = (
        "notes our staff wrote about the complaint"
        if data["internal_notes_included"]
        else "left out of this export (they would reveal other people's data or our legal defence)"
    )
    retention = config.get("RETENTION_DAYS")
    retention_text = (
        f"A closed complaint is anonymised {retention} days after it was closed: what stays "
        "(category, dates, outcome kind) can no longer be linked to you."
        if retention is not None
        else "A closed complaint is kept until you ask us to erase it."
    )
    hold_text = (
        f"We keep a complaint at least {config['LEGAL_HOLD_DAYS']} days after our last answer "
        "and while a dispute body handles it, because you (or we) may still need it then."
    )
    return _BODY.format(
        shop=config["SHOP_NAME"],
        date=str(data["generated_at"])[:19].replace("T", " "),
        email=person.email,
        notes=notes,
        retention=retention_text,
        hold=hold_text,
        complaints=config["SHOP_COMPLAINTS_EMAIL"],
    )
