"""English phrase pools for demo complaints: what customers write, and (from
`phrases_en_staff`, re-exported here) what staff answer.

Placeholders are filled from `vocab.facts` plus {staff}, {shop} and {ref}. `{order}` appears
only for the categories that always carry an order number (physical, digital, billing).
"""

from __future__ import annotations

from .phrases_en_staff import (
    FINAL,
    FINAL_END,
    GREET,
    INFO_REQUEST,
    NOTE,
    OUTCOME,
    REPLY,
    REPLY_END,
    STAFF_SIGN,
)

__all__ = [
    "ANSWER",
    "DESCRIPTION",
    "FINAL",
    "FINAL_END",
    "GREET",
    "INFO_REQUEST",
    "NOTE",
    "OPEN",
    "OUTCOME",
    "RATING_COMMENT",
    "REPLY",
    "REPLY_END",
    "REVIEW_REASON",
    "SIGN",
    "STAFF_SIGN",
]

OPEN = (
    "Hello,",
    "Hi,",
    "Good afternoon,",
    "Dear {shop} team,",
    "Hello there,",
    "Dear Sir or Madam,",
    "",
)
SIGN = (
    "Kind regards,\n{first}",
    "Thanks,\n{first}",
    "Best wishes,\n{name}",
    "{name}",
    "Regards, {first}",
    "Thank you in advance,\n{name}",
)

DESCRIPTION: dict[str, dict[str, tuple[str, ...]]] = {
    "physical": {
        "problem": (
            "The {product} from order {order} arrived today damaged. The box was dented on one "
            "corner, so I think it was dropped during transport. I've kept all the packaging.",
            "I received the wrong item for order {order}: I ordered the {product} in black and "
            "got a grey one.",
            "My parcel with the {product} never arrived. {carrier} says it was delivered on the "
            "doorstep, but there was nothing there when I got home.",
            "My {product} is now {days} days late and the {carrier} tracking page has not changed "
            "since the parcel was handed over.",
            "{carrier} delivered my {product} to a neighbour, but they cannot tell me which house "
            "and the card they left is blank.",
            "The {product} was scratched all over, as if it had been used before. Order "
            "number {order}.",
            "The {product} arrived soaking wet, the cardboard fell apart when I picked it up.",
        ),
        "electrical": (
            "The {product} from order {order} arrived with a cracked housing and rattles when I "
            "pick it up.",
            "The {product} (order {order}) arrived with parts missing: the power cable and the "
            "manual were not in the box.",
            "The {product} I bought stopped working after {days} days. It no longer switches on, "
            "not even on a different socket.",
        ),
        "detail": (
            "The tracking number is {tracking}.",
            "I paid {amount} for it.",
            "It was meant as a birthday present, so this is really disappointing.",
            "I have ordered from you several times before without any problems.",
            "",
        ),
        "ask": (
            "Could you send a replacement as soon as possible?",
            "I would like a refund, please.",
            "Please let me know how you want to solve this.",
            "Can you send a new one, or otherwise refund the {amount}?",
            "I'd like to hear what my options are.",
        ),
    },
    "digital": {
        "problem": (
            "I bought the {product} (order {order}) but the download link gives an error page "
            "saying the link has expired.",
            "The {product} downloads, but {file} will not open: my computer says the file is "
            "damaged.",
            "The download of the {product} stops at about 80% every time. I've tried three times "
            "on two different connections.",
            "I never received the email with the download link for the {product}, order {order}. "
            "I've checked my spam folder as well.",
            "The {product} I downloaded is the old edition, not the updated one your website "
            "describes.",
            "Pages 40 to 56 of the {product} are blank when I open {file}.",
            "The licence key for the {product} (order {order}) is rejected as invalid when I "
            "enter it.",
        ),
        "detail": (
            "I'm using {browser} on {device}.",
            "The order confirmation came through fine.",
            "I paid {amount}.",
            "",
        ),
        "ask": (
            "Could you help me with this?",
            "Please send me a version that works.",
            "If it can't be fixed I'd like my money back.",
            "I hope you can sort this out quickly.",
        ),
    },
    "billing": {
        "problem": (
            "I was charged twice for order {order}: two payments of {amount} are on my bank "
            "statement. Please refund one of them.",
            "My {method} payment failed at checkout, but the money was taken from my account "
            "anyway (order {order}).",
            "The amount charged for order {order} ({amount}) is higher than the price shown at "
            "checkout. I'd like the difference back.",
            "The discount code I entered was accepted on the website, but it's not on the invoice "
            "for order {order}.",
            "I returned order {order} {days} days ago and still haven't received the refund.",
            "The invoice for order {order} has no VAT number, so I can't use it for my business "
            "administration. Could you send a corrected invoice?",
        ),
        "detail": ("The payment reference starts with {payref}.", "I paid with {method}.", ""),
        "ask": (
            "Please look into this quickly, it's a lot of money for me.",
            "Could you sort this out?",
            "I'd like to hear from you soon.",
        ),
    },
    "account": {
        "problem": (
            "I can't log in to my account any more. After entering my password the page just "
            "reloads.",
            "The password reset email never arrives. I have tried several times today.",
            "My account was locked after too many attempts and there is no way to unlock it.",
            "I changed my email address in my account, and now I can't log in with either the "
            "old or the new one.",
            "My order history is empty, even though I've placed several orders with this account.",
            "I asked for my account to be deleted {days} days ago and I still get emails from you.",
        ),
        "detail": (
            "My account email is {email}.",
            "I'm using {browser} on {device}.",
            "I've cleared my cookies and cache already.",
            "",
        ),
        "ask": ("Please help me.", "Please let me know when it's fixed.", "What can I do?"),
    },
    "website": {
        "problem": (
            "The 'Pay now' button on the checkout page does nothing when I click it.",
            "Your website doesn't work with my screen reader: the buttons in the basket have no "
            "labels, so I can't tell which one removes an item.",
            "On {device} the menu covers half of the product page and cannot be closed.",
            "The search on your website gives no results for products that are definitely in "
            "stock.",
            "The cookie banner keeps coming back on every page and hides the 'Add to basket' "
            "button.",
            "The text on the checkout page is light grey on white, which is very hard to read "
            "with my eyesight.",
            "The size filter on the shoes page shows sizes that turn out to be unavailable.",
        ),
        "detail": (
            "I'm using {browser} on {device}.",
            "It happens every time, also after restarting.",
            "I had to ask my son to place the order for me.",
            "",
        ),
        "ask": (
            "Could you please fix this?",
            "Please let me know when it works again.",
            "I'd like to finish my order, can you help?",
        ),
    },
    "other": {
        "problem": (
            "I unsubscribed from your newsletter three times, but I keep getting it.",
            "The gift wrapping I paid for was missing from my parcel.",
            "The loyalty points from my last order were never added to my account.",
            "I waited on the phone for 40 minutes and was then cut off.",
            "My parcel came in a huge box full of plastic filling for one small item. Please "
            "think about the environment.",
            "The product page promised delivery in 1-2 days; it took {days}.",
        ),
        "detail": ("", "This is not the first time.", "I'm otherwise a happy customer."),
        "ask": (
            "I'd appreciate a response.",
            "Please sort this out.",
            "I hope you can do something with this feedback.",
        ),
    },
}

ANSWER: dict[str, tuple[str, ...]] = {
    "physical": (
        "Here are the photos of the box and the damage.",
        "I asked both neighbours, nobody has the parcel.",
        "I received size M in grey; I ordered size L in black.",
    ),
    "digital": (
        "I'm on {browser} on {device}. The error says 'Access denied'.",
        "The message says the archive is corrupt. Screenshot attached.",
    ),
    "billing": (
        "Both payments were on the same day, {amount} each. Screenshot attached.",
        "The payment was taken the day after my order, {amount}.",
    ),
    "account": (
        "I registered with {email}. The last time I could log in was about a month ago.",
        "It's {email}. I haven't changed anything.",
    ),
    "website": ("It's {browser} on {device}. Screenshot attached.",),
    "other": ("It's mostly that nobody answered my earlier emails.",),
}
#: Why customers ask for a review, by the kind of the first outcome.
REVIEW_REASON: dict[str, tuple[str, ...]] = {
    "replacement_product": (
        "A replacement doesn't help me, I needed it for an event that has passed. I'd like a "
        "refund instead.",
        "I still haven't received the replacement, and nobody answers my emails.",
    ),
    "replacement_file": (
        "The new file has exactly the same problem as the first one.",
        "The corrected file still doesn't open. I'd rather have my money back.",
    ),
    "refund": (
        "The refund was only part of what I paid, but the whole order was unusable.",
        "The refund doesn't cover the shipping costs I paid.",
    ),
    "technical_assistance": (
        "The instructions didn't solve anything; the problem is still there.",
        "I followed every step and it still doesn't work.",
    ),
    "correction": (
        "I don't agree with the decision. The information I was given was clearly wrong.",
        "A correction is not enough: I lost money because of this mistake.",
    ),
}
RATING_COMMENT = {
    "good": (
        "Quick and friendly, thank you!",
        "Solved within a day, great service.",
        "Very happy with how this was handled.",
        "",
    ),
    "mixed": ("Solved in the end, but it took a while.", "OK, but I had to explain it twice.", ""),
    "bad": ("Not happy with the outcome.", "Took far too long.", ""),
}
