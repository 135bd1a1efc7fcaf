package qun

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// UnmarshalStrict reads the JSON value in data into v, a non-nil pointer,
// as strictly as configuration deserves. Operators edit qun's rules and plans
// by hand and in admin UIs, and a misspelt field that encoding/json would
// quietly ignore ("whre" for "where") silently widens a rule; so, unlike
// json.Unmarshal:
//
//   - object keys must match a field's JSON name exactly, case and all;
//   - unknown keys, and keys given twice, are refused;
//   - null is refused where the field cannot hold it (a string, a number, a
//     bool or a struct; leave the field out instead);
//   - an array may not hold more elements than a Go array field has room for;
//   - every refusal is a [*ValidationError] naming the field by its path in
//     JSON names ("rules[2].caps.daily", `props["city"]`), matching
//     [ErrInvalid], with the error of a field's own text or JSON decoder (a
//     [*SyntaxError] from a bad duration, say) as its Err.
//
// Types with their own UnmarshalJSON inside v decide for themselves (qun's
// own types are strict too); types with UnmarshalText are read from strings
// by it. On error, v is left unchanged.
//
// A type's UnmarshalJSON calls UnmarshalStrict on a plain copy of its type,
// which has the same fields and no methods, so as not to call itself:
//
//	func (r *Rule) UnmarshalJSON(data []byte) error {
//		type plain Rule
//		return qun.UnmarshalStrict(data, (*plain)(r))
//	}
//
// UnmarshalStrict returns an error that does not match ErrInvalid, without
// reading data, if v is not a non-nil pointer or if *v has an UnmarshalJSON
// method itself (which would call UnmarshalStrict without end).
func UnmarshalStrict(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("qun: UnmarshalStrict needs a non-nil pointer, not %T", v)
	}
	if rv.Type().Implements(jsonUnmarshalerType) {
		return fmt.Errorf("qun: UnmarshalStrict(%T): the type has its own UnmarshalJSON; pass a pointer to a plain copy of the type", v)
	}
	root, err := parseJSONTree(data)
	if err != nil {
		return err
	}
	// Decode into a fresh value, so that only a success reaches *v. Each
	// custom decoder inside runs once, on its own part of the text, so a
	// type that nests itself (a rule tree) costs its size times its depth,
	// not (as checking first and then decoding again would) 2^depth.
	fresh := reflect.New(rv.Type().Elem())
	if err := decodeJSON(root, fresh.Elem(), ""); err != nil {
		return err
	}
	rv.Elem().Set(fresh.Elem())
	return nil
}

// jsonNode is a parsed JSON value with its source text, keeping the order
// and the repeats of object keys, which a map would lose.
type jsonNode struct {
	kind byte // '{', '[', '"' (string), '0' (number), 'b' (bool), 'n' (null)
	keys []string
	kids []*jsonNode
	str  string
	raw  []byte
}

func parseJSONTree(data []byte) (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := parseJSONValue(dec, data, 0)
	if err == nil {
		switch _, extra := dec.Token(); {
		case extra == nil:
			err = errors.New("data after the JSON value")
		case extra != io.EOF:
			err = extra
		}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = errors.New("unexpected end of JSON input")
	}
	if err != nil {
		off := int(dec.InputOffset())
		return nil, &ValidationError{Reason: "not valid JSON: " + err.Error(), Err: SyntaxErrorAt(string(data), off, "%v", err)}
	}
	return n, nil
}

func parseJSONValue(dec *json.Decoder, data []byte, depth int) (*jsonNode, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxJSONDepth)
	}
	start := dec.InputOffset()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	n := &jsonNode{}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			n.kind = '{'
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return nil, err
				}
				kid, err := parseJSONValue(dec, data, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key.(string))
				n.kids = append(n.kids, kid)
			}
		} else {
			n.kind = '['
			for dec.More() {
				kid, err := parseJSONValue(dec, data, depth+1)
				if err != nil {
					return nil, err
				}
				n.kids = append(n.kids, kid)
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.kind, n.str = '"', t
	case json.Number:
		n.kind = '0'
	case bool:
		n.kind = 'b'
	case nil:
		n.kind = 'n'
	}
	// The value's text, without the separators before it.
	n.raw = bytes.TrimLeft(data[start:dec.InputOffset()], " \t\r\n:,")
	return n, nil
}

// maxJSONDepth bounds the nesting of what UnmarshalStrict reads, as
// encoding/json bounds its own, so that hostile input cannot exhaust the
// stack.
const maxJSONDepth = 10000

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

var (
	timeType        = reflect.TypeFor[time.Time]()
	decimalType     = reflect.TypeFor[decimal.Decimal]()
	nullDecimalType = reflect.TypeFor[decimal.NullDecimal]()
)

// decodeJSON checks that n fits v's type, field by field, and sets v from
// it. v is settable and holds its zero value.
func decodeJSON(n *jsonNode, v reflect.Value, path string) error {
	t := v.Type()
	// Times and decimals are everywhere in configurations; their own
	// decoders' errors would not say what to write instead.
	switch t {
	case timeType:
		if n.kind == '"' {
			if tm, err := time.Parse(time.RFC3339Nano, n.str); err == nil {
				v.Set(reflect.ValueOf(tm))
				return nil
			}
		}
		return Invalid(path, "must be an RFC 3339 time such as 2026-11-22T20:15:00+08:00")
	case decimalType, nullDecimalType:
		if n.kind == 'n' && t == nullDecimalType {
			return nil
		}
		text := n.str
		if n.kind == '0' {
			text = string(n.raw)
		}
		if n.kind == '"' || n.kind == '0' {
			if d, err := decimal.NewFromString(text); err == nil {
				if t == nullDecimalType {
					v.Set(reflect.ValueOf(decimal.NewNullDecimal(d)))
				} else {
					v.Set(reflect.ValueOf(d))
				}
				return nil
			}
		}
		return Invalid(path, "must be a decimal number such as 99.50, as a JSON number or string")
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(n.raw); err != nil {
			return fieldError(path, err)
		}
		return nil
	}
	if n.kind == 'n' {
		switch t.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
			return nil // stays nil
		}
		return Invalid(path, "must not be null (leave the field out instead)")
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textUnmarshalerType) {
		if n.kind != '"' {
			return Invalid(path, "must be a string")
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.str)); err != nil {
			return fieldError(path, err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := reflect.New(t.Elem())
		if err := decodeJSON(n, elem.Elem(), path); err != nil {
			return err
		}
		v.Set(elem)
		return nil
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return Invalid(path, "cannot be read from JSON (an interface with methods)")
		}
		var x any
		if err := json.Unmarshal(n.raw, &x); err != nil {
			return Invalid(path, "%v", err)
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
		return nil
	case reflect.Struct:
		if n.kind != '{' {
			return Invalid(path, "must be an object")
		}
		fields := jsonFields(t)
		seen := make(map[string]bool, len(n.keys))
		var errs []error
		for i, key := range n.keys {
			field := keyPath(path, key)
			f, known := fields[key]
			switch {
			case seen[key]:
				errs = append(errs, Invalid(field, "appears twice"))
			case !known:
				errs = append(errs, Invalid(field, "unknown field"))
			default:
				fv, err := fieldByIndex(v, f.index)
				if err == nil && f.quoted {
					err = decodeQuoted(n.kids[i], fv, field)
				} else if err == nil {
					err = decodeJSON(n.kids[i], fv, field)
				} else {
					err = Invalid(field, "%v", err)
				}
				errs = append(errs, err)
			}
			seen[key] = true
		}
		return errors.Join(errs...)
	case reflect.Map:
		if n.kind != '{' {
			return Invalid(path, "must be an object")
		}
		m := reflect.MakeMapWithSize(t, len(n.keys))
		seen := make(map[string]bool, len(n.keys))
		var errs []error
		for i, key := range n.keys {
			field := path + "[" + strconv.Quote(key) + "]"
			if seen[key] {
				errs = append(errs, Invalid(field, "appears twice"))
				continue
			}
			seen[key] = true
			k := reflect.New(t.Key()).Elem()
			switch {
			case reflect.PointerTo(t.Key()).Implements(textUnmarshalerType):
				if err := k.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(key)); err != nil {
					errs = append(errs, fieldError(field, err))
					continue
				}
			case t.Key().Kind() == reflect.String:
				k.SetString(key)
			default:
				if err := json.Unmarshal([]byte(key), k.Addr().Interface()); err != nil {
					errs = append(errs, Invalid(field, "key must be a number that fits %s", t.Key().Kind()))
					continue
				}
			}
			val := reflect.New(t.Elem()).Elem()
			if err := decodeJSON(n.kids[i], val, field); err != nil {
				errs = append(errs, err)
				continue
			}
			m.SetMapIndex(k, val)
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		v.Set(m)
		return nil
	case reflect.Slice, reflect.Array:
		if et := t.Elem(); t.Kind() == reflect.Slice && et.Kind() == reflect.Uint8 && n.kind != '[' &&
			!reflect.PointerTo(et).Implements(textUnmarshalerType) && !reflect.PointerTo(et).Implements(jsonUnmarshalerType) {
			// Bytes, which encoding/json writes as base64.
			b, err := base64.StdEncoding.DecodeString(n.str)
			if n.kind != '"' || err != nil {
				return Invalid(path, "must be a base64 string")
			}
			v.Set(reflect.ValueOf(b).Convert(t))
			return nil
		}
		if n.kind != '[' {
			return Invalid(path, "must be an array")
		}
		target := v
		if t.Kind() == reflect.Array {
			if len(n.kids) > t.Len() {
				return Invalid(path, "must hold at most %d elements, not %d", t.Len(), len(n.kids))
			}
		} else {
			target = reflect.MakeSlice(t, len(n.kids), len(n.kids))
		}
		var errs []error
		for i, kid := range n.kids {
			errs = append(errs, decodeJSON(kid, target.Index(i), path+"["+strconv.Itoa(i)+"]"))
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		if t.Kind() == reflect.Slice {
			v.Set(target)
		}
		return nil
	case reflect.String:
		if n.kind != '"' {
			return Invalid(path, "must be a string")
		}
		v.SetString(n.str)
		return nil
	case reflect.Bool:
		if n.kind != 'b' {
			return Invalid(path, "must be true or false")
		}
		v.SetBool(string(n.raw) == "true")
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		if n.kind != '0' {
			return Invalid(path, "must be a number")
		}
		if err := json.Unmarshal(n.raw, v.Addr().Interface()); err != nil {
			return Invalid(path, "must be a number that fits %s", t.Kind())
		}
		return nil
	}
	return Invalid(path, "cannot be read from JSON (a %s)", t.Kind())
}

// decodeQuoted reads a field tagged ",string": null, or a string that
// holds the field's JSON value, as encoding/json reads them.
func decodeQuoted(n *jsonNode, v reflect.Value, path string) error {
	if n.kind == 'n' {
		return nil
	}
	if n.kind != '"' {
		return Invalid(path, "must be a string")
	}
	inner, err := parseJSONTree([]byte(n.str))
	if err != nil || (v.Kind() == reflect.String && inner.kind != '"') {
		return Invalid(path, "must hold a %s inside the string", v.Kind())
	}
	return decodeJSON(inner, v, path)
}

// fieldByIndex returns the field of struct v at index, allocating the
// embedded structs that pointers lead through.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}, errors.New("sits in an unexported embedded struct")
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	if !v.CanSet() {
		return reflect.Value{}, errors.New("cannot be set")
	}
	return v, nil
}

// fieldError places the error of a field's own decoder at the field.
func fieldError(path string, err error) error {
	if errors.Is(err, ErrInvalid) {
		return Within(path, err)
	}
	return &ValidationError{Field: path, Reason: err.Error(), Err: err}
}

// keyPath appends an object key to a path: after a dot when it is a plain
// name, in brackets and quotes otherwise, so that the path stays readable
// and unambiguous.
func keyPath(path, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || r == '$' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			plain = false
			break
		}
	}
	if !plain {
		return path + "[" + strconv.Quote(key) + "]"
	}
	return joinField(path, key)
}

// jsonField is a struct field as encoding/json sees it.
type jsonField struct {
	index  []int // the path of field indexes, through embedded structs
	quoted bool  // tagged ",string"
}

// jsonFields maps the JSON names of t's fields to their places, as
// encoding/json names them: the tag's name or the field's, skipping "-" and
// unexported fields, and inlining untagged embedded structs (the shallower
// field wins a clash of names).
func jsonFields(t reflect.Type) map[string]jsonField {
	fields := map[string]jsonField{}
	depths := map[string]int{}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			at := append(append([]int(nil), index...), i)
			if f.Anonymous && name == "" {
				et := f.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					walk(et, at)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if d, ok := depths[name]; ok && d <= len(index) {
				continue
			}
			depths[name] = len(index)
			quoted := false
			for _, opt := range strings.Split(opts, ",") {
				quoted = quoted || opt == "string"
			}
			switch f.Type.Kind() {
			case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
				reflect.Float32, reflect.Float64:
			default:
				quoted = false // encoding/json applies ",string" to scalars only
			}
			fields[name] = jsonField{at, quoted}
		}
	}
	walk(t, nil)
	return fields
}
