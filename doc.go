// Package qun (群, "group") is the logic behind running a community: a WeChat
// or QQ group, a Discord server, a forum, a paid membership club, a brand's
// private-domain (私域) fan groups. It models what community operators
// (社群运营者) do, in their own terms: the stages a community and its members
// pass through, tags and segments, points and tiers, funnels and cohorts,
// content calendars and send windows, and scores that explain themselves.
// Go developers embed it in community, membership and loyalty back ends; qun
// decides, the host stores and delivers.
//
// # Packages
//
// This root package holds only the vocabulary the others share: the
// [MemberID]; the [Event] and the [EventFilter] that selects events; calendar
// dates ([Date]) and periods ([Period]) in a time zone ([Calendar], [Zone]),
// with a fast [Indexer] for bulk paths; the text-friendly [Duration];
// exponential [Decay]; the community [Stage]; the errors every package
// returns ([ValidationError], [SyntaxError], [ErrInvalid]); and
// [UnmarshalStrict], the strict JSON decoding all configuration goes
// through. Six packages build on it, and none imports another:
//
//	lifecycle  stage machines: community stages, the member lifecycle
//	           (new, active, silent, churned, recalled), the value ladder
//	segment    tags, a rule language, segments, RFM and group routing
//	incentive  the points ledger, earning rules, tiers, badges, quests,
//	           streaks, referrals, leaderboards and draws
//	funnel     funnels, retention cohorts, active users, virality, statistics
//	calendar   recurrence, content plans, send windows, caps, event timelines
//	scoring    decayed engagement, contribution, churn risk, influence, health
//
// A host can adopt any one of them alone. Data flows one way through a host:
// events are scored; scores and activity move members through the lifecycle;
// lifecycle states, tags and scores place members in segments; segments
// choose what the calendar sends and what incentives pay; and funnel
// measures the whole journey from the same events.
//
//	host events ──► scoring ──► lifecycle ──► segment ──► calendar / incentive ──► host transport
//	      └─────────────────────────────► funnel (measurement) ◄─────────────────────┘
//
// # Rules of the house
//
// qun is pure. It starts no goroutines, does no I/O (but for [LoadZone],
// which reads the system's time zone database), keeps no global state,
// never reads the clock and never draws from a global random source: time is
// a parameter (now time.Time) and randomness a seed the caller passes, so the
// same inputs always give the same outputs, and every decision can be
// replayed and audited. Evaluation returns decisions as values (a
// transition, the points to award, the members who entered a segment, the
// sends to schedule), and the host persists and publishes them.
//
// Configuration is data: every rule, plan and model is a plain struct that
// round-trips through JSON, so hosts keep it in their database and edit it in
// an admin UI; Validate refuses bad configuration with an error naming the
// field, and it is compiled once into a fast evaluator. Where state must stay
// consistent (the points ledger above all), qun defines a small Store
// interface with an in-memory implementation and a conformance kit, and the
// host brings its own storage. Points and money are decimals, never floats;
// calendars are IANA time zones, right across DST changes.
package qun
