package board_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/board"
)

const benchMembers = 1_000_000

// benchBoard returns a weekly board holding benchMembers members with
// scores spread over 0 to 100,000, and their IDs.
func benchBoard(b *testing.B, ranking board.Ranking) (*board.Board, []qun.MemberID) {
	b.Helper()
	bd, err := board.New(board.Config{
		ID: "bench", Period: qun.Week, Ranking: ranking,
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
	})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]qun.MemberID, benchMembers)
	at := benchStart
	for i := range ids {
		ids[i] = qun.MemberID(fmt.Sprintf("member-%07d", i))
		at = at.Add(time.Millisecond)
		if err := bd.Add(ids[i], rng.Int64N(100_000), at); err != nil {
			b.Fatal(err)
		}
	}
	return bd, ids
}

var benchStart = time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)

// BenchmarkUpdate adds 1 to 50 points to a random member of a board of a
// million, in time order within one week: the hot path of a live board.
func BenchmarkUpdate(b *testing.B) {
	for _, r := range []board.Ranking{board.Competition, board.Dense} {
		b.Run(r.String(), func(b *testing.B) {
			bd, ids := benchBoard(b, r)
			rng := rand.New(rand.NewPCG(3, 4))
			const batch = 1 << 16
			who := make([]int32, batch)
			delta := make([]int64, batch)
			for i := range who {
				who[i] = int32(rng.IntN(len(ids)))
				delta[i] = 1 + rng.Int64N(50)
			}
			at := benchStart.Add(time.Hour * 20)
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				j := i & (batch - 1)
				at = at.Add(time.Microsecond)
				if err := bd.Add(ids[who[j]], delta[j], at); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/update")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// BenchmarkRank looks up the rank of a random member of a million.
func BenchmarkRank(b *testing.B) {
	for _, r := range []board.Ranking{board.Competition, board.Dense, board.Row} {
		b.Run(r.String(), func(b *testing.B) {
			bd, ids := benchBoard(b, r)
			s := bd.At(benchStart)
			rng := rand.New(rand.NewPCG(5, 6))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, ok := s.Rank(string(ids[rng.IntN(len(ids))])); !ok {
					b.Fatal("not ranked")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/lookup")
		})
	}
}

// BenchmarkTop reads the top 100 of a million.
func BenchmarkTop(b *testing.B) {
	bd, _ := benchBoard(b, board.Competition)
	s := bd.At(benchStart)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if len(s.Top(100)) != 100 {
			b.Fatal("short")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/entry")
}
