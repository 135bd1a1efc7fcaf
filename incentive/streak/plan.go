package streak

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// Plan is a check-in plan of fixed length with tasks for each day: the
// "7-day growth plan" (7天成长计划) or a reading club's learning week
// (学习周). Day 1 is the member's first local day in the plan, day 2 the
// next, and so on; a day is done when its tasks are, and the plan is
// complete when every day is. Days and the plan can pay rewards: a badge
// on day 7.
//
// Its JSON form is
//
//	{"id":"reading-week",
//	 "days":[{"tasks":[{"id":"check-in","event":{"name":"check_in"}},
//	                   {"id":"read","event":{"name":"read"},"count":10}]},
//	         ...,
//	         {"tasks":[{"id":"check-in","event":{"name":"check_in"}}],"reward":{"badge":"reading-week"}}],
//	 "reward":{"kind":"points","points":"100"}}
type Plan struct {
	// ID names the plan in progress and payout keys.
	ID string `json:"id"`
	// Days are the plan's days, 1 to 366, in order.
	Days []PlanDay `json:"days"`
	// Reward, if set, is paid when every day is done.
	Reward incentive.Reward `json:"reward,omitzero"`
	// CatchUp lets a member do a past day's tasks later, before the plan
	// ends: an event that no task of its own day still needs counts for
	// the earliest unfinished earlier day that needs it. Without it, a
	// day's tasks count only on that day, and a missed day leaves the
	// plan incomplete.
	CatchUp bool `json:"catch_up,omitempty"`
}

// PlanDay is one day of a plan: its tasks, and what finishing them pays.
type PlanDay struct {
	// Tasks are the day's tasks, at least one, with distinct IDs.
	Tasks []Task `json:"tasks"`
	// Reward, if set, is paid when the day is done.
	Reward incentive.Reward `json:"reward,omitzero"`
}

// Task is done by Count events that match Event.
type Task struct {
	// ID names the task, distinct within its day.
	ID string `json:"id"`
	// Event selects the events that count for the task: a name and
	// conditions on properties.
	Event qun.EventFilter `json:"event"`
	// Count is how many matching events the task takes, 1 (the default,
	// when zero) to 1000.
	Count int `json:"count,omitzero"`
}

// UnmarshalJSON reads a plan strictly, as [qun.UnmarshalStrict] reads.
func (p *Plan) UnmarshalJSON(data []byte) error {
	type plain Plan
	return qun.UnmarshalStrict(data, (*plain)(p))
}

// ParsePlan reads a plan from its JSON form, strictly, and validates it.
func ParsePlan(data []byte) (Plan, error) {
	var p Plan
	if err := p.UnmarshalJSON(data); err != nil {
		return Plan{}, fmt.Errorf("streak: parse plan: %w", err)
	}
	if err := p.Validate(); err != nil {
		return Plan{}, fmt.Errorf("streak: parse plan: %w", err)
	}
	return p, nil
}

// Validate reports every problem with p, joined, each naming its field.
func (p Plan) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("id", qun.ValidateName(p.ID)))
	if len(p.Days) == 0 || len(p.Days) > 366 {
		errs = append(errs, qun.Invalid("days", "a plan has 1 to 366 days"))
	}
	for i, d := range p.Days {
		field := "days[" + strconv.Itoa(i) + "]"
		if len(d.Tasks) == 0 || len(d.Tasks) > 100 {
			errs = append(errs, qun.Invalid(field+".tasks", "a day has 1 to 100 tasks"))
		}
		ids := map[string]bool{}
		for j, t := range d.Tasks {
			tf := field + ".tasks[" + strconv.Itoa(j) + "]"
			errs = append(errs, qun.Within(tf+".id", qun.ValidateName(t.ID)))
			if ids[t.ID] {
				errs = append(errs, qun.Invalid(tf+".id", "%q names another task of the day", t.ID))
			}
			ids[t.ID] = true
			errs = append(errs, qun.Within(tf+".event", t.Event.Validate()))
			if t.Count < 0 || t.Count > 1000 {
				errs = append(errs, qun.Invalid(tf+".count", "must be 1 to 1000, or 0 for 1"))
			}
		}
		if !d.Reward.IsZero() {
			errs = append(errs, qun.Within(field+".reward", d.Reward.Validate()))
		}
	}
	if !p.Reward.IsZero() {
		errs = append(errs, qun.Within("reward", p.Reward.Validate()))
	}
	return errors.Join(errs...)
}

// PlanEngine is a compiled [Plan]. It is immutable, so one PlanEngine
// serves any number of goroutines.
// The zero PlanEngine, not made with [CompilePlan], refuses every
// progress with an error matching [qun.ErrInvalid].
type PlanEngine struct {
	plan Plan
}

// CompilePlan validates p and compiles it.
func CompilePlan(p Plan) (*PlanEngine, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("streak: compile plan: %w", err)
	}
	c := &PlanEngine{plan: p}
	c.plan.Days = slices.Clone(p.Days)
	return c, nil
}

// Plan returns the plan.
func (c *PlanEngine) Plan() Plan {
	p := c.plan
	p.Days = slices.Clone(p.Days)
	return p
}

// Progress is a member's progress in a plan, as the host stores it.
//
// Its JSON form is {"plan":"reading-week","start":"2026-11-16",
// "zone":"Asia/Shanghai","counts":[[1,10],[1,4],[0,0],...],"seen":["e-1",...]}.
type Progress struct {
	// Plan is the plan's ID.
	Plan string `json:"plan"`
	// Start is day 1, in the member's calendar.
	Start qun.Date `json:"start"`
	// Zone is the member's time zone when they started: the plan's days
	// are counted in it.
	Zone qun.Zone `json:"zone"`
	// Counts holds, for each day, the matching events counted for each
	// task, never more than the task's Count.
	Counts [][]int `json:"counts"`
	// Completed reports that every day is done.
	Completed bool `json:"completed,omitempty"`
	// Seen lists the IDs of the events counted, so that a replayed event
	// counts once.
	Seen []string `json:"seen,omitempty"`
}

// UnmarshalJSON reads progress strictly, as [qun.UnmarshalStrict] reads.
func (pr *Progress) UnmarshalJSON(data []byte) error {
	type plain Progress
	return qun.UnmarshalStrict(data, (*plain)(pr))
}

// Start returns a member's progress in the plan, starting on the day
// start in the zone they are in.
func (c *PlanEngine) Start(start qun.Date, zone qun.Zone) Progress {
	pr := Progress{Plan: c.plan.ID, Start: start, Zone: zone, Counts: make([][]int, len(c.plan.Days))}
	for i, d := range c.plan.Days {
		pr.Counts[i] = make([]int, len(d.Tasks))
	}
	return pr
}

// PlanResult is what one event did to a member's progress.
type PlanResult struct {
	// Day is the plan day the event counted for, from 1, or 0 if it
	// counted for none.
	Day int `json:"day,omitzero"`
	// Tasks are the tasks of that day it counted for.
	Tasks []string `json:"tasks,omitempty"`
	// DayDone reports that the event finished the day, and Completed that
	// it finished the plan.
	DayDone   bool `json:"day_done,omitempty"`
	Completed bool `json:"completed,omitempty"`
	// Duplicate reports an event counted before (by its ID).
	Duplicate bool `json:"duplicate,omitempty"`
	// Payouts are the rewards the event earned.
	Payouts []incentive.Payout `json:"payouts,omitempty"`
}

// Apply counts the event in the member's progress: on its local day in
// the plan's zone, for the tasks of that day it matches (and, with
// CatchUp, for an earlier day's). An event outside the plan's days, or
// that no unfinished task matches, counts for nothing. Progress not of
// this plan's shape, and every progress for a zero PlanEngine (not made
// with [CompilePlan]), is refused with an error matching [qun.ErrInvalid].
func (c *PlanEngine) Apply(pr Progress, ev qun.Event) (Progress, PlanResult, error) {
	var res PlanResult
	if err := ev.Validate(); err != nil {
		return pr, res, fmt.Errorf("streak: apply event: %w", qun.Within("event", err))
	}
	if err := c.check(pr); err != nil {
		return pr, res, err
	}
	if ev.ID != "" && slices.Contains(pr.Seen, ev.ID) {
		res.Duplicate = true
		return pr, res, nil
	}
	if pr.Completed {
		return pr, res, nil
	}
	k := qun.Calendar{Zone: pr.Zone}.Date(ev.Time).DaysSince(pr.Start) // 0-based
	if k < 0 || k >= len(c.plan.Days) {
		return pr, res, nil
	}
	days := []int{k}
	if c.plan.CatchUp {
		for i := range k {
			days = append(days, i)
		}
	}
	pr = pr.clone()
	for _, i := range days {
		for j, t := range c.plan.Days[i].Tasks {
			if pr.Counts[i][j] < count(t) && t.Event.Match(ev) {
				pr.Counts[i][j]++
				res.Tasks = append(res.Tasks, t.ID)
			}
		}
		if len(res.Tasks) == 0 {
			continue
		}
		res.Day = i + 1
		if ev.ID != "" {
			pr.Seen = append(pr.Seen, ev.ID)
		}
		if c.dayDone(pr, i) {
			res.DayDone = true
			if r := c.plan.Days[i].Reward; !r.IsZero() {
				res.Payouts = append(res.Payouts, incentive.Payout{
					Member: ev.Member, Key: incentive.PayoutKey("plan", c.plan.ID, pr.Start.String(), "day-"+strconv.Itoa(i+1)),
					Reason: "plan " + c.plan.ID + " day " + strconv.Itoa(i+1), Reward: r,
				})
			}
			if c.allDone(pr) {
				pr.Completed, res.Completed = true, true
				if r := c.plan.Reward; !r.IsZero() {
					res.Payouts = append(res.Payouts, incentive.Payout{
						Member: ev.Member, Key: incentive.PayoutKey("plan", c.plan.ID, pr.Start.String()),
						Reason: "plan " + c.plan.ID + " complete", Reward: r,
					})
				}
			}
		}
		break
	}
	return pr, res, nil
}

// PlanStatus is a member's progress in a plan as of an instant.
type PlanStatus struct {
	// Today is the plan day of the instant, from 1; 0 before the plan and
	// len(Days)+1 after it.
	Today int `json:"today"`
	// Done lists the days done, from 1.
	Done []int `json:"done,omitempty"`
	// Missed lists the past days not done, which, without CatchUp, can
	// no longer be.
	Missed []int `json:"missed,omitempty"`
	// Completed reports that every day is done, and Failed that the plan
	// can no longer be completed.
	Completed bool `json:"completed,omitempty"`
	Failed    bool `json:"failed,omitempty"`
}

// Status returns the member's progress as of the instant now, whose
// local day in the plan's zone is today. It refuses progress as Apply does.
func (c *PlanEngine) Status(pr Progress, now time.Time) (PlanStatus, error) {
	if err := c.check(pr); err != nil {
		return PlanStatus{}, err
	}
	n := len(c.plan.Days)
	k := qun.Calendar{Zone: pr.Zone}.Date(now).DaysSince(pr.Start)
	st := PlanStatus{Today: min(max(k+1, 0), n+1), Completed: pr.Completed}
	for i := range n {
		switch {
		case c.dayDone(pr, i):
			st.Done = append(st.Done, i+1)
		case i < k:
			st.Missed = append(st.Missed, i+1)
		}
	}
	st.Failed = !pr.Completed && (k >= n || len(st.Missed) > 0 && !c.plan.CatchUp)
	return st, nil
}

// check refuses progress that is not of this plan's shape.
func (c *PlanEngine) check(pr Progress) error {
	if c.plan.ID == "" {
		return fmt.Errorf("streak: %w", qun.Invalid("", "the PlanEngine was not made with CompilePlan"))
	}
	if pr.Plan != c.plan.ID || len(pr.Counts) != len(c.plan.Days) {
		return fmt.Errorf("streak: progress of %q, not of plan %q: %w", pr.Plan, c.plan.ID, qun.Invalid("plan", "does not match"))
	}
	for i, cs := range pr.Counts {
		if len(cs) != len(c.plan.Days[i].Tasks) {
			return fmt.Errorf("streak: progress: %w", qun.Invalid("counts["+strconv.Itoa(i)+"]", "has %d tasks, the plan %d", len(cs), len(c.plan.Days[i].Tasks)))
		}
	}
	return nil
}

func (c *PlanEngine) dayDone(pr Progress, i int) bool {
	for j, t := range c.plan.Days[i].Tasks {
		if pr.Counts[i][j] < count(t) {
			return false
		}
	}
	return true
}

func (c *PlanEngine) allDone(pr Progress) bool {
	for i := range c.plan.Days {
		if !c.dayDone(pr, i) {
			return false
		}
	}
	return true
}

func count(t Task) int { return max(t.Count, 1) }

func (pr Progress) clone() Progress {
	pr.Counts = slices.Clone(pr.Counts)
	for i := range pr.Counts {
		pr.Counts[i] = slices.Clone(pr.Counts[i])
	}
	pr.Seen = slices.Clone(pr.Seen)
	return pr
}
