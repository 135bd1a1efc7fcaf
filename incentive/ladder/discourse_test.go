package ladder_test

import (
	"testing"
	"time"

	"github.com/qunkit/qun/incentive/ladder"
	"github.com/shopspring/decimal"
)

// regularMetrics returns the metrics of a member who meets every
// requirement of Discourse's trust level 3 with a little to spare, in a
// forum that created 1,000 topics and 8,000 posts in the last 100 days.
func regularMetrics() ladder.Metrics {
	m := ladder.Metrics{}
	for k, v := range map[string]int64{
		"topics_entered": 400, "posts_read": 3000, "time_read_mins": 900, "account_age_mins": 200000,
		"days_visited": 120, "likes_received": 80, "likes_given": 90, "topic_reply_count": 40,
		"topics_viewed":     600,
		"days_visited_100d": 60, "topics_replied_to_100d": 12, "topics_viewed_100d": 260,
		"topics_created_100d": 1000, "posts_read_100d": 2100, "posts_created_100d": 8000,
		"flagged_posts_100d": 1, "flaggers_100d": 1, "likes_given_100d": 35, "likes_received_100d": 25,
		"likes_received_days_100d": 9, "likes_received_users_100d": 6, "penalties": 0,
	} {
		m[k] = decimal.NewFromInt(v)
	}
	return m
}

func with(m ladder.Metrics, kv ...any) ladder.Metrics {
	out := ladder.Metrics{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = decimal.NewFromInt(int64(kv[i+1].(int)))
	}
	return out
}

// TestDiscoursePreset walks a member up Discourse's trust levels and
// through the reviews that keep or take away trust level 3.
func TestDiscoursePreset(t *testing.T) {
	e := compile(t, ladder.Discourse())
	if got := e.Levels(); len(got) != 4 || got[3] != "regular" {
		t.Fatalf("levels %v", got)
	}
	// A brand-new account: nothing.
	fresh := with(regularMetrics(), "topics_entered", 4, "posts_read", 30, "time_read_mins", 10, "account_age_mins", 10)
	d, err := e.Evaluate(ladder.State{}, fresh, t0)
	if err != nil || d.To != "newuser" {
		t.Fatalf("4 topics entered: %s, %v", d.Explain(), err)
	}
	if d.Next.Level != "basic" || d.Next.Checks[0].Gap.String() != "1" {
		t.Errorf("distance to basic: %+v", d.Next)
	}
	// tl1_requires_topics_entered 5: basic.
	d, _ = e.Evaluate(d.State, with(fresh, "topics_entered", 5), t0)
	if d.To != "basic" {
		t.Errorf("5 topics entered: %s", d.Explain())
	}
	// Everything at once: up the rungs to regular in one evaluation.
	d, _ = e.Evaluate(ladder.State{}, regularMetrics(), t0)
	if d.To != "regular" || len(d.Reasons) != 3 {
		t.Fatalf("a regular's metrics: %s", d.Explain())
	}
	regular := d.State

	// 25% of 1,000 topics is 250; of 8,000 posts 2,000. With 4,000 topics
	// the share is capped at 500 (tl3_requires_topics_viewed_cap).
	dist, _ := e.Distance("regular", with(regularMetrics(), "topics_created_100d", 4000))
	for _, c := range dist.Checks {
		if c.Metric == "topics_viewed_100d" && (c.Threshold.String() != "500" || c.Met) {
			t.Errorf("capped share: %+v", c)
		}
	}
	// Ruby's round: 25% of 10 topics is 2.5, rounded half away to 3.
	dist, _ = e.Distance("regular", with(regularMetrics(), "topics_created_100d", 10, "topics_viewed_100d", 2))
	for _, c := range dist.Checks {
		if c.Metric == "topics_viewed_100d" && (c.Threshold.String() != "3" || c.Met) {
			t.Errorf("rounded share: %+v", c)
		}
	}

	review := func(s ladder.State, m ladder.Metrics, after time.Duration) ladder.Decision {
		t.Helper()
		d, err := e.Review(s, m, t0.Add(after))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		name  string
		m     ladder.Metrics
		after time.Duration
		want  string
		code  ladder.Code
	}{
		{"quiet, within the 14-day grace period", with(regularMetrics(), "days_visited_100d", 10), days(13), "regular", ladder.MinStay},
		{"45 of 50 days: at the 0.9 low-water mark", with(regularMetrics(), "days_visited_100d", 45), days(20), "regular", ladder.Kept},
		{"44 of 50 days: below it", with(regularMetrics(), "days_visited_100d", 44), days(20), "member", ladder.Lost},
		{"27 of 30 likes given: kept", with(regularMetrics(), "likes_given_100d", 27), days(20), "regular", ladder.Kept},
		{"6 flagged posts: the limit has no low water", with(regularMetrics(), "flagged_posts_100d", 6), days(20), "member", ladder.Lost},
		{"499 posts read all time: kept in full", with(regularMetrics(), "posts_read", 499), days(20), "member", ladder.Lost},
		{"suspended in the last 6 months", with(regularMetrics(), "penalties", 1), days(20), "member", ladder.Lost},
		{"1,800 of 2,000 posts read: 0.9 of a share", with(regularMetrics(), "posts_read_100d", 1800), days(20), "regular", ladder.Kept},
	} {
		d := review(regular, tc.m, tc.after)
		if d.To != tc.want || d.Reasons[0].Code != tc.code {
			t.Errorf("%s: %s", tc.name, d.Explain())
		}
	}
	// Demoted regulars keep member: trust levels 1 and 2 are for life.
	d = review(ladder.State{Level: "member", Since: t0}, with(regularMetrics(), "days_visited", 0, "posts_read", 0), days(400))
	if d.To != "member" || d.Reasons[0].Code != ladder.Lifetime {
		t.Errorf("member with nothing: %s", d.Explain())
	}
	// A manual lock (Discourse's manual_locked_trust_level) holds a level
	// against promotion.
	d, _ = e.Evaluate(ladder.State{Level: "member", Since: t0, Lock: &ladder.Lock{Level: "member", Reason: "moderator"}}, regularMetrics(), t0)
	if d.To != "member" || d.Reasons[0].Code != ladder.Locked {
		t.Errorf("locked member: %s", d.Explain())
	}
	if got := e.Privileges("regular"); len(got) != 6 || got[5] != "self_wiki" {
		t.Errorf("privileges of a regular: %v", got)
	}
}
