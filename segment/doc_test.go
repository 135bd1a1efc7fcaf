package segment_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDocComments checks that every exported name of segment,
// segment/groups and segment/rfm has a doc comment of its own: each type,
// function, method, constant and variable, and each exported field of an
// exported struct, so that go doc answers every question a host has
// about a configuration field (what it means, its unit, its default).
func TestDocComments(t *testing.T) {
	for _, dir := range []string{".", "groups", "rfm"} {
		for _, missing := range undocumented(t, dir) {
			t.Errorf("%s has no doc comment", missing)
		}
	}
}

// undocumented returns the exported names of the package in dir, outside
// its tests, that have no doc comment, as "file:line: name".
func undocumented(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	miss := func(pos token.Pos, name string) {
		p := fset.Position(pos)
		out = append(out, filepath.Join(dir, filepath.Base(p.Filename))+":"+strconv.Itoa(p.Line)+": "+name)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || d.Recv != nil && !ast.IsExported(receiverType(d.Recv.List[0].Type)) {
					continue
				}
				if d.Doc == nil {
					label := d.Name.Name
					if d.Recv != nil {
						label = receiverType(d.Recv.List[0].Type) + "." + label
					}
					miss(d.Pos(), label)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if !s.Name.IsExported() {
							continue
						}
						if s.Doc == nil && (d.Doc == nil || len(d.Specs) > 1) {
							miss(s.Pos(), s.Name.Name)
						}
						if st, ok := s.Type.(*ast.StructType); ok {
							for _, field := range st.Fields.List {
								for _, n := range field.Names {
									if n.IsExported() && field.Doc == nil {
										miss(n.Pos(), s.Name.Name+"."+n.Name)
									}
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if !n.IsExported() {
								continue
							}
							if s.Doc == nil && s.Comment == nil && (d.Doc == nil || len(d.Specs) > 1) {
								miss(n.Pos(), n.Name)
							}
						}
					}
				}
			}
		}
	}
	return out
}

// receiverType returns the name of a method's receiver type.
func receiverType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverType(e.X)
	case *ast.IndexExpr:
		return receiverType(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}
