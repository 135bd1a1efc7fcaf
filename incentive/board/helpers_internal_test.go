package board

import "math/big"

func bigCmp(an, ad, bn, bd int64) int {
	l := new(big.Int).Mul(big.NewInt(an), big.NewInt(bd))
	r := new(big.Int).Mul(big.NewInt(bn), big.NewInt(ad))
	return l.Cmp(r)
}
