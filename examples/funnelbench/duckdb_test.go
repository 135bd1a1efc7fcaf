package funnelbench

import (
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"fmt"
	"slices"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/funnel/funneltest"
	"pgregory.net/rapid"
)

var (
	//go:embed schema.sql
	schemaSQL string
	//go:embed joinmax.sql
	joinmaxSQL string
	//go:embed asof.sql
	asofSQL string
	//go:embed window.sql
	windowSQL string
)

// formulations are the three ways of writing the funnel in DuckDB's SQL,
// the one the benchmark times first. All must give qun's answer.
var formulations = []struct{ name, sql string }{
	{"joinmax", joinmaxSQL},
	{"asof", asofSQL},
	{"window", windowSQL},
}

// duck is an in-memory DuckDB database holding the events table, used
// through one connection, so that settings such as threads apply to every
// query.
type duck struct {
	db   *sql.DB
	conn *sql.Conn
}

// openDuck opens an empty in-memory database and creates the events table.
func openDuck(tb testing.TB) *duck {
	tb.Helper()
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		tb.Fatal(err)
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(context.Background())
	if err != nil {
		db.Close()
		tb.Fatal(err)
	}
	d := &duck{db: db, conn: conn}
	tb.Cleanup(d.close)
	d.exec(tb, schemaSQL)
	return d
}

func (d *duck) close() {
	d.conn.Close()
	d.db.Close()
}

func (d *duck) exec(tb rapid.TB, query string) {
	tb.Helper()
	if _, err := d.conn.ExecContext(context.Background(), query); err != nil {
		tb.Fatalf("%v\n%s", err, query)
	}
}

// threads sets how many threads DuckDB may use; 0 restores its default
// (the number of cores), and the number in force is returned.
func (d *duck) threads(tb rapid.TB, n int) int {
	tb.Helper()
	if n == 0 {
		d.exec(tb, "RESET threads")
	} else {
		d.exec(tb, fmt.Sprintf("SET threads = %d", n))
	}
	var got int
	if err := d.conn.QueryRowContext(context.Background(), "SELECT current_setting('threads')").Scan(&got); err != nil {
		tb.Fatal(err)
	}
	return got
}

// load appends the rows of community s to table, through DuckDB's
// appender: the bulk path its Go driver offers.
func (d *duck) load(s funneltest.Synthetic, rows []funneltest.Row, table string) error {
	return d.conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", table)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := a.AppendRow(r.Member, funneltest.Names[r.Name], s.Start.Add(time.Duration(r.Second)*time.Second)); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
}

// counts runs a formulation of the funnel and returns its step counts.
func (d *duck) counts(query string) ([]int64, error) {
	c := make([]int64, 5)
	err := d.conn.QueryRowContext(context.Background(), query).Scan(&c[0], &c[1], &c[2], &c[3], &c[4])
	return c, err
}

// qunCounts returns the step counts of a funnel result.
func qunCounts(res funnel.Result) []int64 {
	var c []int64
	for _, s := range res.Steps {
		c = append(c, s.Members)
	}
	return c
}

// buildQun builds qun's table from the rows of community s.
func buildQun(tb testing.TB, s funneltest.Synthetic, rows []funneltest.Row) *funnel.Table {
	tb.Helper()
	tab, err := funnel.Build(s.EventsOf(rows))
	if err != nil {
		tb.Fatal(err)
	}
	return tab
}

// benchQuery is the benchmark funnel, compiled.
func benchQuery(tb testing.TB) *funnel.Query {
	tb.Helper()
	q, err := funneltest.BenchFunnel().Compile()
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

// sameCounts reports whether two answers are equal.
func sameCounts(a, b []int64) bool { return slices.Equal(a, b) }
