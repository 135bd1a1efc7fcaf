package qun_test

import (
	"testing"
	"time"

	"github.com/qunkit/qun"
)

// The root's primitives sit in the leaves' hot loops; these benchmarks
// report their cost per call.

func BenchmarkCalendarIndexDay(b *testing.B) {
	cal := qun.Calendar{Zone: qun.MustLoadZone("America/New_York")}
	t := utc("2026-03-01T00:00:00Z")
	b.ReportAllocs()
	for b.Loop() {
		cal.Index(qun.Day, t)
		t = t.Add(17 * time.Minute)
	}
}

func BenchmarkIndexerDay(b *testing.B) {
	x := qun.Calendar{Zone: qun.MustLoadZone("America/New_York")}.Indexer(qun.Day)
	sec := utc("2026-03-01T00:00:00Z").Unix()
	b.ReportAllocs()
	for b.Loop() {
		x.IndexUnix(sec)
		sec += 17 * 60 // time order, across the spring-forward change
	}
}

func BenchmarkIndexerMonth(b *testing.B) {
	x := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai")}.Indexer(qun.Month)
	sec := utc("2026-01-01T00:00:00Z").Unix()
	b.ReportAllocs()
	for b.Loop() {
		x.IndexUnix(sec)
		sec += 17 * 60
	}
}

func BenchmarkDateAt(b *testing.B) {
	loc := qun.MustLoadZone("America/New_York").Location()
	d := qun.Date{Year: 2026, Month: time.January, Day: 1}
	b.ReportAllocs()
	for b.Loop() {
		d.At(6, 20, 0, 0, loc)
		d = d.AddDays(1)
	}
}

func BenchmarkDecayAdd(b *testing.B) {
	d := qun.Decay{HalfLife: qun.Days(7)}
	var s qun.Decayed
	t := utc("2026-01-01T00:00:00Z")
	b.ReportAllocs()
	for b.Loop() {
		s = d.Add(s, 1, t)
		t = t.Add(time.Minute)
	}
}

func BenchmarkEventFilterMatch(b *testing.B) {
	f := qun.EventFilter{Name: "attend_tasting", Where: []qun.Condition{
		{Prop: "region", Op: qun.OpExact, Values: []string{"italy", "piedmont"}},
		{Prop: "channel", Op: qun.OpNotIContains, Values: []string{"test"}},
		{Prop: "seats", Op: qun.OpGTE, Values: []string{"1"}},
	}}
	e := qun.Event{Member: "lin", Name: "attend_tasting", Time: utc("2026-11-22T11:30:00Z"),
		Props: map[string]string{"region": "piedmont", "channel": "WeChat mini program", "seats": "2"}}
	b.ReportAllocs()
	for b.Loop() {
		if !f.Match(e) {
			b.Fatal("no match")
		}
	}
}
