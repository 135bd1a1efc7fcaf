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
// "id" finds the member by ID (a map lookup among a million, whose cache
// misses cost about as much as the update itself); "ref" uses the handle
// a host keeps ([board.Board.Ref]).
func BenchmarkUpdate(b *testing.B) {
	for _, tc := range []struct {
		name    string
		ranking board.Ranking
		byRef   bool
	}{
		{"competition/id", board.Competition, false},
		{"competition/ref", board.Competition, true},
		{"dense/ref", board.Dense, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			bd, ids := benchBoard(b, tc.ranking)
			refs := make([]board.Ref, len(ids))
			for i, id := range ids {
				refs[i], _ = bd.Ref(id)
			}
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
				var err error
				if tc.byRef {
					err = bd.AddRef(refs[who[j]], delta[j], at)
				} else {
					err = bd.Add(ids[who[j]], delta[j], at)
				}
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/update")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// BenchmarkRank looks up the rank of a random member of a million, by
// handle.
func BenchmarkRank(b *testing.B) {
	for _, r := range []board.Ranking{board.Competition, board.Dense, board.Row} {
		b.Run(r.String(), func(b *testing.B) {
			bd, ids := benchBoard(b, r)
			refs := make([]board.Ref, len(ids))
			for i, id := range ids {
				refs[i], _ = bd.Ref(id)
			}
			s := bd.At(benchStart)
			rng := rand.New(rand.NewPCG(5, 6))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, ok := s.RankOf(refs[rng.IntN(len(refs))]); !ok {
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
