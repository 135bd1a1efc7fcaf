package catalog_test

import (
	"testing"
	"time"

	"github.com/qunkit/qun/incentive/catalog"
)

// BenchmarkRedeem decides a redemption of an item with a yearly limit,
// a minimum tier and a segment, for a member with a year of history of
// twelve monthly redemptions of it.
func BenchmarkRedeem(b *testing.B) {
	e := engine(b)
	s := goldLover("5000")
	for i := range 12 {
		s.History = append(s.History, catalog.Redemption{Key: "h", Member: "wei", Item: "tasting-course", Quantity: 1, Time: t0.AddDate(0, -i, 0)})
	}
	r := catalog.Request{Key: "order-1", Member: "lin", Item: "tasting-course"}
	at := t0.Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Redeem(r, s, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/redemption")
}
