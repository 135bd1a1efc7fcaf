// Package funnelbench runs qun's funnel and DuckDB side by side: the same
// funnel (visit → join → first_post → check_in → purchase, ordered, within 7
// days of the first step) over the same 10,000,000 events of 1,000,000
// members in 30 days (funneltest.Bench), giving the same answer
// (funneltest.BenchCounts), timed in the same run.
//
// Each side builds its table once, outside the timer, and that build is
// measured apart (BenchmarkBuild): qun's funnel.Build from the events, and
// DuckDB's appender into an in-memory table of (member UINTEGER, name ENUM,
// ts TIMESTAMP). The timed query is, for qun, funnel.Query.Run, grouping the
// events by member included; for DuckDB, the SQL of joinmax.sql, on one
// thread and on its default of one thread per core. Every DuckDB answer is
// checked against qun's.
//
// DuckDB has no windowFunnel, so the funnel is written in SQL three ways,
// each in a .sql file with its source: a sequence of joins (joinmax.sql, the
// fastest here, and the one timed), a chain of ASOF joins (asof.sql) and
// window functions (window.sql). Tests pin their semantics to qun's
// (funnel/doc.go): scenarios for the window's end, ties and attempts, a
// rapid property against qun on random communities, and a 100,000-event
// community with known counts.
//
// DuckDB comes in through cgo and a prebuilt static library (the Go module
// github.com/duckdb/duckdb-go/v2), so this directory is a Go module of its
// own, outside the repository's go.work: the repository's go test ./...,
// go vet ./... and go mod tidy never download, build or link DuckDB. Run,
// from this directory:
//
//	GOWORK=off go test .
//	GOWORK=off go test -cpu 1 -run '^$' -bench . -count 6 .
//
// README.md says what each timed region contains, and gives the figures.
package funnelbench
