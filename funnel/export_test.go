package funnel

// GroupOnly runs the grouping by member alone, for benchmarks.
func GroupOnly(t *Table) int {
	var g grouper
	n := 0
	g.each(t, nil, func(r *memberRun) { n += len(r.times) })
	return n
}
