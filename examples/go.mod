module github.com/qunkit/qun/examples

go 1.24

require (
	github.com/looplab/fsm v1.0.3
	github.com/qmuntal/stateless v1.7.2
	github.com/qunkit/qun v0.0.0
	github.com/shopspring/decimal v1.6.0
)

require (
	github.com/expr-lang/expr v1.17.8
	github.com/marcboeker/go-duckdb v1.8.5
	github.com/teambition/rrule-go v1.8.2
	pgregory.net/rapid v1.3.0
)

require (
	github.com/apache/arrow-go/v18 v18.1.0 // indirect
	github.com/go-viper/mapstructure/v2 v2.2.1 // indirect
	github.com/goccy/go-json v0.10.5 // indirect
	github.com/google/flatbuffers v25.1.24+incompatible // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/klauspost/compress v1.17.11 // indirect
	github.com/klauspost/cpuid/v2 v2.2.9 // indirect
	github.com/pierrec/lz4/v4 v4.1.22 // indirect
	github.com/zeebo/xxh3 v1.0.2 // indirect
	golang.org/x/exp v0.0.0-20250128182459-e0ece0dbea4c // indirect
	golang.org/x/mod v0.22.0 // indirect
	golang.org/x/sync v0.10.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
	golang.org/x/tools v0.29.0 // indirect
	golang.org/x/xerrors v0.0.0-20240903120638-7835f813f4da // indirect
)

// The examples are built against the library in this repository, never a
// published version: the go.work at the root says the same for workspace
// mode, and this replace keeps GOWORK=off builds working.
replace github.com/qunkit/qun => ../
