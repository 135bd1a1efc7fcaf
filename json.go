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
	if err := checkJSON(root, rv.Type().Elem(), ""); err != nil {
		return err
	}
	// The shape is right; encoding/json now fills a fresh value, calling the
	// custom decoders again, and only a success reaches *v.
	fresh := reflect.New(rv.Type().Elem())
	if err := json.Unmarshal(data, fresh.Interface()); err != nil {
		return &ValidationError{Reason: err.Error(), Err: err}
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
	n, err := parseJSONValue(dec, data)
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

func parseJSONValue(dec *json.Decoder, data []byte) (*jsonNode, error) {
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
				kid, err := parseJSONValue(dec, data)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key.(string))
				n.kids = append(n.kids, kid)
			}
		} else {
			n.kind = '['
			for dec.More() {
				kid, err := parseJSONValue(dec, data)
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

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

var (
	timeType        = reflect.TypeFor[time.Time]()
	decimalType     = reflect.TypeFor[decimal.Decimal]()
	nullDecimalType = reflect.TypeFor[decimal.NullDecimal]()
)

// checkJSON checks that n fits the Go type t, field by field.
func checkJSON(n *jsonNode, t reflect.Type, path string) error {
	// Times and decimals are everywhere in configurations; their own
	// decoders' errors would not say what to write instead.
	switch t {
	case timeType:
		if n.kind == '"' {
			if _, err := time.Parse(time.RFC3339Nano, n.str); err == nil {
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
			if _, err := decimal.NewFromString(text); err == nil {
				return nil
			}
		}
		return Invalid(path, "must be a decimal number such as 99.50, as a JSON number or string")
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		target := reflect.New(t).Interface().(json.Unmarshaler)
		if err := target.UnmarshalJSON(n.raw); err != nil {
			return fieldError(path, err)
		}
		return nil
	}
	if n.kind == 'n' {
		switch t.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
			return nil
		}
		return Invalid(path, "must not be null (leave the field out instead)")
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) && t.Kind() != reflect.Pointer {
		if n.kind != '"' {
			return Invalid(path, "must be a string")
		}
		target := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := target.UnmarshalText([]byte(n.str)); err != nil {
			return fieldError(path, err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return checkJSON(n, t.Elem(), path)
	case reflect.Interface:
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
			case f.quoted:
				errs = append(errs, checkQuoted(n.kids[i], f.t, field))
			default:
				errs = append(errs, checkJSON(n.kids[i], f.t, field))
			}
			seen[key] = true
		}
		return errors.Join(errs...)
	case reflect.Map:
		if n.kind != '{' {
			return Invalid(path, "must be an object")
		}
		seen := make(map[string]bool, len(n.keys))
		var errs []error
		for i, key := range n.keys {
			field := path + "[" + strconv.Quote(key) + "]"
			if seen[key] {
				errs = append(errs, Invalid(field, "appears twice"))
				continue
			}
			seen[key] = true
			if kt := t.Key(); reflect.PointerTo(kt).Implements(textUnmarshalerType) {
				if err := reflect.New(kt).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(key)); err != nil {
					errs = append(errs, fieldError(field, err))
					continue
				}
			} else if kt.Kind() != reflect.String {
				if _, err := strconv.ParseInt(key, 10, 64); err != nil {
					errs = append(errs, Invalid(field, "key must be an integer"))
					continue
				}
			}
			errs = append(errs, checkJSON(n.kids[i], t.Elem(), field))
		}
		return errors.Join(errs...)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			if n.kind != '"' {
				return Invalid(path, "must be a base64 string")
			}
			if _, err := base64.StdEncoding.DecodeString(n.str); err != nil {
				return Invalid(path, "must be a base64 string")
			}
			return nil
		}
		if n.kind != '[' {
			return Invalid(path, "must be an array")
		}
		if t.Kind() == reflect.Array && len(n.kids) > t.Len() {
			return Invalid(path, "must hold at most %d elements, not %d", t.Len(), len(n.kids))
		}
		var errs []error
		for i, kid := range n.kids {
			errs = append(errs, checkJSON(kid, t.Elem(), path+"["+strconv.Itoa(i)+"]"))
		}
		return errors.Join(errs...)
	case reflect.String:
		if n.kind != '"' {
			return Invalid(path, "must be a string")
		}
	case reflect.Bool:
		if n.kind != 'b' {
			return Invalid(path, "must be true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		if n.kind != '0' {
			return Invalid(path, "must be a number")
		}
		if err := json.Unmarshal(n.raw, reflect.New(t).Interface()); err != nil {
			return Invalid(path, "must be a number that fits %s", t.Kind())
		}
	}
	return nil
}

// checkQuoted checks a field tagged ",string": a string, null, or a
// number or bool written inside a string, as encoding/json reads them.
func checkQuoted(n *jsonNode, t reflect.Type, path string) error {
	if n.kind == 'n' {
		return nil
	}
	if n.kind != '"' {
		return Invalid(path, "must be a string")
	}
	if t.Kind() == reflect.String {
		var s string
		if json.Unmarshal([]byte(n.str), &s) != nil {
			return Invalid(path, "must be a quoted JSON string inside a string")
		}
		return nil
	}
	inner, err := parseJSONTree([]byte(n.str))
	if err != nil {
		return Invalid(path, "must hold a %s inside the string", t.Kind())
	}
	return checkJSON(inner, t, path)
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
	t      reflect.Type
	quoted bool // tagged ",string"
}

// jsonFields maps the JSON names of t's fields to their types, as
// encoding/json names them: the tag's name or the field's, skipping "-" and
// unexported fields, and inlining untagged embedded structs (the shallower
// field wins a clash of names).
func jsonFields(t reflect.Type) map[string]jsonField {
	fields := map[string]jsonField{}
	var walk func(t reflect.Type, depth int, depths map[string]int)
	walk = func(t reflect.Type, depth int, depths map[string]int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					walk(et, depth+1, depths)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if d, ok := depths[name]; ok && d <= depth {
				continue
			}
			depths[name] = depth
			quoted := false
			for _, opt := range strings.Split(opts, ",") {
				quoted = quoted || opt == "string"
			}
			switch ft.Kind() {
			case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
				reflect.Float32, reflect.Float64:
			default:
				quoted = false // encoding/json applies ",string" to scalars only
			}
			fields[name] = jsonField{ft, quoted}
		}
	}
	walk(t, 0, map[string]int{})
	return fields
}
