"""English phrase pools for demo complaints: what staff write (replies, requests for
information, internal notes, outcomes, final responses). `phrases_en` holds the
customers' side and re-exports these, so both read as one pool (placeholders as there).
"""

from __future__ import annotations

GREET = ("Dear {first},", "Hello {first},", "Hi {first},")
STAFF_SIGN = (
    "Kind regards,\n{staff}\n{shop} customer service",
    "Best wishes,\n{staff}, {shop}",
    "With kind regards,\n{staff}",
)
REPLY: dict[str, tuple[str, ...]] = {
    "physical": (
        "Thank you for letting us know, and I'm sorry your {product} did not arrive as it "
        "should. I've asked {carrier} to investigate the shipment ({tracking}).",
        "I'm sorry about the trouble with your {product}. I'm checking with our warehouse what "
        "went wrong with order {order}.",
    ),
    "digital": (
        "Thanks for your message. I'm sorry the {product} isn't working for you; I'm checking "
        "the files on our download server now.",
        "I'm sorry you couldn't get to your {product}. I've looked up order {order} and I'm "
        "checking the download log.",
    ),
    "billing": (
        "Thank you for your message. I've asked our finance team to check the payments for "
        "order {order}.",
        "I'm sorry about the confusion with your payment. I'm comparing our records with the "
        "payment provider's.",
    ),
    "account": (
        "Thanks for getting in touch. I've had a look at your account and I'm working on it.",
        "I'm sorry you can't get into your account. I've passed this to our technical team.",
    ),
    "website": (
        "Thank you for telling us. I've passed this on to our web developers with the details "
        "you sent.",
        "Thanks for your message, and sorry for the trouble. We're trying to reproduce the "
        "problem on {device}.",
    ),
    "other": (
        "Thank you for your feedback; we take it seriously and I'm looking into it.",
        "Thanks for letting us know. I've shared your message with the team responsible.",
    ),
}
REPLY_END = (
    "You will hear from us within the time we promised.",
    "I'll come back to you as soon as I know more.",
    "We'll keep you posted.",
)
INFO_REQUEST: dict[str, tuple[str, ...]] = {
    "physical": (
        "Could you send us a photo of the damage and one of the shipping label on the box?",
        "Could you tell us which size and colour you received?",
        "Could you check with your neighbours whether the parcel was handed in there?",
    ),
    "digital": (
        "Could you tell us which browser and device you use, and send a screenshot of the error?",
        "Could you let us know the exact error message you see?",
    ),
    "billing": (
        "Could you send a screenshot of your bank statement showing the payments (you may black "
        "out everything else)?",
        "Could you tell us the date and amount of the payment?",
    ),
    "account": (
        "Could you confirm the email address you used when you registered?",
        "Could you tell us when you last logged in successfully?",
    ),
    "website": ("Could you tell us which browser and device you use, and send a screenshot?",),
    "other": ("Could you give us a bit more detail so we can look into this properly?",),
}
NOTE: dict[str, tuple[str, ...]] = {
    "physical": (
        "Warehouse log: packed correctly. Probably transport damage, claim filed with {carrier}.",
        "{carrier} confirms the delivery scan was 2 km away from the customer's address.",
        "Supplier is out of stock until next month: do not promise a delivery date.",
    ),
    "digital": (
        "Download server log: the link was never used before it expired.",
        "Checked {file}: the upload on the server is truncated. Re-uploading.",
    ),
    "billing": (
        "Payment provider confirms the double charge; second transaction can be refunded.",
        "Discount code was valid; the checkout bug is known to the developers.",
    ),
    "account": (
        "Reset emails bounce at the customer's provider: SPF issue on our side, reported.",
        "Two accounts with almost the same address; merged the order history.",
    ),
    "website": (
        "Reproduced on {browser}. Ticket with the developers, fix expected this week.",
        "Accessibility issue confirmed with NVDA: buttons have no accessible name.",
    ),
    "other": (
        "Regular customer, 6 earlier orders, no complaints before. Be generous.",
        "Called the customer, left a voicemail.",
    ),
}
OUTCOME: dict[str, tuple[str, ...]] = {
    "replacement_file": (
        "We've prepared a corrected copy of your {product}. You can download it with the link "
        "on your case page; the link stays valid for 14 days.",
        "The file on our server was damaged, sorry about that. A fresh copy of {file} is ready "
        "for you to download from your case page.",
    ),
    "replacement_product": (
        "We're sending you a new {product} today with {carrier}. Your tracking number is "
        "{tracking}. You don't need to send the damaged one back.",
        "A replacement {product} is on its way with {carrier} (tracking number {tracking}). "
        "Please keep the original packaging until it has arrived.",
    ),
    "refund": (
        "We've refunded {amount} to your original payment method ({method}). Depending on your "
        "bank it can take 3 to 5 business days to show.",
        "As a gesture of goodwill we've refunded {part_amount} via {method}.",
    ),
    "technical_assistance": (
        "Here is how to solve it: please clear your browser's cache, then use the link on your "
        "case page. If it still doesn't work, reply and we'll call you.",
        "Our developers have fixed the problem you found. It should work again now on "
        "{browser}; thank you for helping us find it.",
        "I've unlocked your account and sent a new password reset link. The emails were "
        "blocked by a setting on our side, which is now corrected.",
    ),
    "correction": (
        "You're right, and we've corrected it. You will receive a corrected invoice by email.",
        "Thank you for pointing this out. We've corrected the information on our website and "
        "in our records.",
        "We've looked into it: the information you were given was wrong, and we have corrected "
        "it. We're sorry for the confusion.",
    ),
}
FINAL = {
    "keep": (
        "We have looked at your case again, as you asked. After reviewing everything we are "
        "keeping our earlier decision.",
    ),
    "change": (
        "We have looked at your case again, as you asked, and we're going further than our "
        "first answer: we are refunding {amount} as well.",
    ),
}
FINAL_END = (
    "This is our final response to your complaint. If you are still not satisfied, "
    "you can turn to an independent mediation body; the details are on your case page."
)
