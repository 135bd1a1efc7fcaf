package quest_test

import "testing"

// BenchmarkApply counts an event in a member's quests: four quests, two
// of which the event concerns.
func BenchmarkApply(b *testing.B) {
	e := compile(b)
	ps, _, _ := e.Apply(nil, ev("post", t0, "topic", "introductions"), calSH)
	x := ev("reply", t0.Add(1))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if _, _, err = e.Apply(ps, x, calSH); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/event")
}
