package ladder

import (
	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Discourse returns Discourse's trust levels 0 to 3 as a ladder, with
// Discourse's default thresholds (config/site_settings.yml, the trust
// section) and its rules for keeping trust level 3
// (app/models/trust_level3_requirements.rb, lib/promotion.rb,
// app/jobs/scheduled/tl3_promotions.rb): a forum host that counts what
// Discourse counts gets Discourse's promotions and demotions.
//
// The levels are newuser (0), basic (1), member (2) and regular (3).
// Trust level 4 (leader) is only ever granted by hand: a [Lock].
//
//   - basic: entered 5 topics, read 30 posts, spent 10 minutes reading,
//     and an account at least 10 minutes old (tl1_requires_*).
//   - member: entered 20 topics, read 100 posts, spent 60 minutes
//     reading, an account at least 60 minutes old, visited on 15 days,
//     received 1 like, given 1 like, and replied to 3 topics
//     (tl2_requires_*).
//   - regular: in the last 100 days (tl3_time_period), visited on 50 days,
//     replied to 10 topics, viewed 25% of the topics created (at most
//     500) and read 25% of the posts created (at most 20,000), at most 5
//     posts flagged and 5 flaggers, given 30 likes and received 20, on at
//     least 7 days (⌈20/3⌉) from at least 5 members (⌈20/4⌉); viewed 200
//     topics and read 500 posts all time; and no suspension or silencing
//     in the last 6 months (penalties, at most 0).
//
// Basic and member are never lost ([Level.Lifetime]): Discourse demotes
// only regulars. A regular keeps the level at a review while every
// 100-day requirement stays at or above 90% of its threshold (the
// LOW_WATER_MARK of 0.9), the all-time ones in full ([Requirement.LowWater]
// "1") and the at-most ones within their limit, and is never demoted in
// the 14 days after promotion (tl3_promotion_min_duration). Discourse
// reviews regulars once a day (the Tl3Promotions job); a host mirrors it by
// calling [Engine.Review] daily. Discourse also promotes to regular only
// in that daily job, where Evaluate promotes as soon as the requirements
// hold: a host that wants Discourse's timing exactly evaluates regulars
// only in its daily review.
//
// The metrics are the host's to count, over the windows declared:
// topics_created and posts_created are the community's totals in the
// last 100 days, against which the 25% shares are measured. Rails'
// 100.days.ago steps back calendar days in the server's zone; the preset's
// 100 days are 2,400 hours, an hour apart across a DST change.
func Discourse() Ladder {
	d := func(s string) *decimal.Decimal { v := decimal.RequireFromString(s); return &v }
	all := func(names ...string) []Metric {
		out := make([]Metric, len(names))
		for i, n := range names {
			out[i] = Metric{Name: n}
		}
		return out
	}
	hundred := Window{Last: qun.Days(100)}
	recent := func(names ...string) []Metric {
		out := make([]Metric, len(names))
		for i, n := range names {
			out[i] = Metric{Name: n, Window: hundred}
		}
		return out
	}
	fixed := decimal.NewFromInt(1)
	metrics := all("topics_entered", "posts_read", "time_read_mins", "account_age_mins",
		"days_visited", "likes_received", "likes_given", "topic_reply_count", "topics_viewed")
	metrics = append(metrics, recent("days_visited_100d", "topics_replied_to_100d", "topics_viewed_100d",
		"topics_created_100d", "posts_read_100d", "posts_created_100d", "flagged_posts_100d",
		"flaggers_100d", "likes_given_100d", "likes_received_100d", "likes_received_days_100d",
		"likes_received_users_100d")...)
	metrics = append(metrics, Metric{Name: "penalties", Window: Window{Months: 6}})
	return Ladder{
		Metrics: metrics,
		Levels: []Level{
			{Name: "newuser"},
			{
				Name: "basic", Lifetime: true,
				Requirements: []Requirement{
					{Metric: "topics_entered", Min: d("5")},
					{Metric: "posts_read", Min: d("30")},
					{Metric: "time_read_mins", Min: d("10")},
					{Metric: "account_age_mins", Min: d("10")},
				},
				Benefits: Benefits{Privileges: []string{"send_messages", "flag_posts", "edit_wiki_posts"}},
			},
			{
				Name: "member", Lifetime: true,
				Requirements: []Requirement{
					{Metric: "topics_entered", Min: d("20")},
					{Metric: "posts_read", Min: d("100")},
					{Metric: "time_read_mins", Min: d("60")},
					{Metric: "account_age_mins", Min: d("60")},
					{Metric: "days_visited", Min: d("15")},
					{Metric: "likes_received", Min: d("1")},
					{Metric: "likes_given", Min: d("1")},
					{Metric: "topic_reply_count", Min: d("3")},
				},
				Benefits: Benefits{Privileges: []string{"invite", "ignore_users"}},
			},
			{
				Name:     "regular",
				LowWater: decimal.RequireFromString("0.9"),
				MinStay:  qun.Days(14),
				Requirements: []Requirement{
					{Metric: "days_visited_100d", Min: d("50")},
					{Metric: "topics_replied_to_100d", Min: d("10")},
					{Metric: "topics_viewed_100d", Min: d("0.25"), Of: "topics_created_100d", Cap: decimal.NewFromInt(500)},
					{Metric: "posts_read_100d", Min: d("0.25"), Of: "posts_created_100d", Cap: decimal.NewFromInt(20000)},
					{Metric: "flagged_posts_100d", Max: d("5")},
					{Metric: "flaggers_100d", Max: d("5")},
					{Metric: "topics_viewed", Min: d("200"), LowWater: fixed},
					{Metric: "posts_read", Min: d("500"), LowWater: fixed},
					{Metric: "likes_given_100d", Min: d("30")},
					{Metric: "likes_received_100d", Min: d("20")},
					{Metric: "likes_received_days_100d", Min: d("7")},
					{Metric: "likes_received_users_100d", Min: d("5")},
					{Metric: "penalties", Max: d("0")},
				},
				Benefits: Benefits{Privileges: []string{"self_wiki"}},
			},
		},
	}
}
