"""Vocabulary for synthetic casework: what matters, strengths, goals, notes, assets, work.

All of it is invented. Contact telephone numbers are in Ofcom's drama range and addresses use
example.org, as in ``seed_names``.
"""

from __future__ import annotations

from domain.codes import (
    AssetCategory,
    CloseReason,
    CommunityWorkKind,
    ContactPurpose,
    OutcomeDomain,
)

WHAT_MATTERS = (
    "To stay in my own home and feel safe there",
    "Having people to talk to who know my name",
    "Getting back to work, even a few hours a week",
    "A place of my own where I can have my children to stay",
    "Feeling useful again; I used to help at the church",
    "Being able to get out to the shops and the park on my own",
    "Keeping my garden going and growing vegetables again",
    "Looking after my wife at home for as long as I can",
    "Not feeling so anxious about letters and bills",
    "Getting fitter so I can play with my grandchildren",
    "Learning to use a computer so I can see my family",
    "Being part of something: singing, football, anything",
    "Sorting out my housing so I can stop worrying",
    "Having a routine and something to get up for",
    "Cooking proper meals and eating with other people",
    "Finding out what is on in the village",
)
STRENGTHS = {
    "personal": (
        "Determined once she sets her mind to something",
        "Good sense of humour",
        "Practical: can fix most things",
        "Kind and a good listener",
        "Loves cooking and baking",
        "Keen gardener",
        "Knows the local bus routes well",
        "Used to run a market stall",
        "Plays the guitar",
        "Reads a lot; likes quizzes",
    ),
    "family": (
        "Daughter visits every weekend",
        "Close to a brother in the next village",
        "Grandchildren call most days",
        "Partner is supportive and drives",
    ),
    "community": (
        "Neighbour checks in most mornings",
        "Known at the local pharmacy",
        "Used to belong to the bowls club",
        "Friends from the old workplace still nearby",
        "Goes to the mosque on Fridays",
        "Walks the dog in the park every day",
    ),
}
GOALS = (
    "Get to the lunch club on my own",
    "Sort out the rent arrears with the housing officer",
    "Bid for a one-bedroom flat",
    "Find a volunteering role a couple of mornings a week",
    "Join a walking group",
    "Apply for the benefits I am entitled to",
    "Register with a dentist",
    "Start a course at the college",
    "Get a blue badge",
    "Meet other carers",
    "Make the house warmer before winter",
    "Try the community café",
    "See the GP about my low mood",
    "Get back in touch with my sister",
    "Sort out a budget I can stick to",
    "Go to the library computer sessions",
    "Get furniture for the new flat",
    "Take the bus into town again",
)
NEXT_ACTIONS = (
    "Ring to see how the first visit went",
    "Meet at the café to talk about the plan",
    "Go with them to the housing appointment",
    "Check the benefits form has been sent",
    "Call the group leader about a lift",
    "Visit at home; bring the leaflets",
    "Follow up with the GP practice",
    "Phone after the hospital appointment",
    "Introduce to the volunteer coordinator",
    "Catch up by text about the weekend",
)
CONTACT_NOTES = {
    ContactPurpose.LISTENING: (
        "Talked about the last few months and what has been hard",
        "Mostly listened; spoke about family and feeling low",
    ),
    ContactPurpose.PLANNING: (
        "Wrote down the next steps together",
        "Went through what matters and agreed who will do what",
    ),
    ContactPurpose.PRACTICAL_HELP: (
        "Helped fill in a form and post it",
        "Sorted the phone and set up reminders",
    ),
    ContactPurpose.CONNECTING: (
        "Went along to the group together for the first time",
        "Talked through what happens at the group and how to get there",
    ),
    ContactPurpose.ADVOCACY: (
        "Spoke to the housing officer with their agreement",
        "Wrote to the landlord about the repairs",
    ),
    ContactPurpose.CRISIS_SUPPORT: (
        "Very distressed about an eviction notice; made an immediate plan",
        "No food or gas credit; arranged a food bank parcel and a top-up",
    ),
    ContactPurpose.ACCOMPANYING: (
        "Went with them to the appointment and waited",
        "Accompanied to the jobcentre interview",
    ),
}
PAUSE_NOTES = (
    "In hospital for a while; will pick up on discharge",
    "Asked for a break over the summer",
    "Staying with family for a few weeks",
)
CONNECTION_NOTES = (
    "Went along together the first time",
    "Met the organiser beforehand",
    "Going with a neighbour",
    None,
)
DROP_NOTES = ("Did not feel it was for them", "Times clash with caring", "Transport fell through")
EVIDENCE = {
    OutcomeDomain.CRISIS_AVOIDED: "Immediate plan avoided a hospital admission",
    OutcomeDomain.HOME: "Confirmed in writing by the housing officer",
    OutcomeDomain.WORK_VOLUNTEERING_TRAINING: "Started on the date given; told us at a visit",
    OutcomeDomain.CONNECTED: "Now goes to the group every week",
    OutcomeDomain.LESS_ISOLATED: "Says they see people most days now",
    OutcomeDomain.ENGAGED_WITH_SERVICE: "First appointment attended",
    OutcomeDomain.FEWER_GP_AE_VISITS: "Self-reported at the review",
    OutcomeDomain.SAFEGUARDING_RAISED: "Concern raised with the adult safeguarding team",
}
OUTCOME_WEIGHTS = (
    (OutcomeDomain.CONNECTED, 24),
    (OutcomeDomain.LESS_ISOLATED, 20),
    (OutcomeDomain.ENGAGED_WITH_SERVICE, 16),
    (OutcomeDomain.HOME, 10),
    (OutcomeDomain.WORK_VOLUNTEERING_TRAINING, 10),
    (OutcomeDomain.CRISIS_AVOIDED, 10),
    (OutcomeDomain.FEWER_GP_AE_VISITS, 8),
    (OutcomeDomain.SAFEGUARDING_RAISED, 2),
)
# The referral's close note (seed_names.CLOSE_NOTES["lac"]) -> why the involvement closed.
CLOSE_REASONS: dict[str, tuple[tuple[CloseReason, int], ...]] = {
    "What mattered has been achieved; connected to local groups": ((CloseReason.GOALS_MET, 1),),
    "Now confident to carry on without the coordinator": (
        (CloseReason.GOALS_MET, 6),
        (CloseReason.PERSON_ENDED, 2),
        (CloseReason.SUPPORTED_BY_SERVICES, 2),
    ),
    "Moved away; introduced to the coordinator there": ((CloseReason.MOVED_AWAY, 1),),
    "Chose to stop; happy to get in touch again": (
        (CloseReason.PERSON_ENDED, 6),
        (CloseReason.OTHER, 1),
    ),
}
# (name pattern with {town}, category, description, weight)
ASSET_KINDS = (
    ("{town} Lunch Club", AssetCategory.GROUP, "Two-course lunch and a chat, Tuesdays", 3),
    ("{town} Walking Group", AssetCategory.ACTIVITY, "Gentle hour's walk, Thursday mornings", 3),
    ("{town} Men's Shed", AssetCategory.GROUP, "Woodwork, repairs and a brew", 2),
    ("{town} Community Food Bank", AssetCategory.SERVICE, "Food parcels; no referral needed", 2),
    ("{town} Library", AssetCategory.PLACE, "Computer help sessions, reading groups", 2),
    ("{town} Community Café", AssetCategory.PLACE, "Pay-as-you-feel café and noticeboard", 3),
    ("{town} Knit and Natter", AssetCategory.GROUP, "Knitting and conversation", 1),
    ("{town} Carers' Coffee Morning", AssetCategory.GROUP, "Peer support for carers", 1),
    ("{town} Chair-Based Exercise", AssetCategory.ACTIVITY, "Seated exercise to music", 1),
    ("{town} Community Garden", AssetCategory.PLACE, "Growing food together, all welcome", 1),
    ("{town} Repair Café", AssetCategory.ACTIVITY, "Bring broken things to mend", 1),
    ("{town} Tea Dance", AssetCategory.ACTIVITY, "Monthly afternoon dance", 1),
    ("{town} Credit Union", AssetCategory.SERVICE, "Savings and affordable loans", 1),
    ("{town} Singing for the Brain", AssetCategory.GROUP, "Singing for people with memory loss", 1),
)
ACCESSIBILITY = (
    "Step-free entrance; accessible toilet",
    "Ground floor; hearing loop at the counter",
    "First floor, no lift; ground-floor room on request",
    "Level paths; benches every few hundred metres",
    "On the bus route; free parking outside",
    "Quiet room available; large-print menus",
    "Some steps at the entrance; ramp at the side door",
)
WORK_KINDS = (
    (CommunityWorkKind.SUPPORTING_GROUP, 45),
    (CommunityWorkKind.FINDING_FUNDING, 20),
    (CommunityWorkKind.STARTING_ACTIVITY, 15),
    (CommunityWorkKind.GAP_IDENTIFIED, 20),
)
WORK_DESCRIPTIONS = {
    CommunityWorkKind.SUPPORTING_GROUP: (
        "Met the volunteers to plan the next quarter",
        "Helped the group find a new venue",
        "Recruited two new volunteers for the group",
    ),
    CommunityWorkKind.FINDING_FUNDING: (
        "Helped the group write a small grant bid",
        "Introduced the group to the community foundation",
    ),
    CommunityWorkKind.STARTING_ACTIVITY: (
        "Started a weekly coffee morning with local residents",
        "Set up a walking group with the parish council",
    ),
    CommunityWorkKind.GAP_IDENTIFIED: (
        "Nothing in the village for younger carers",
        "No evening activities for men who work days",
        "No transport to groups for people without a car",
    ),
}
