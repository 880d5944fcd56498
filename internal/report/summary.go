package report

// summarize builds the slide-24 rows from the scenarios' claims, once more
// than one pattern ran (a single pattern's table already says it all).
func summarize(ps []Pattern) []SummaryRow {
	names := map[string]bool{}
	for _, p := range ps {
		names[p.Pattern] = true
	}
	if len(names) < 2 {
		return nil
	}
	var rows []SummaryRow
	for _, p := range ps {
		for _, c := range p.claims {
			before, ok1 := find(p.Variants, c.Before)
			after, ok2 := find(p.Variants, c.After)
			if !ok1 || !ok2 {
				continue // not measured: the run was cut short
			}
			row := SummaryRow{
				Operation: c.Operation, BeforeVariant: c.Before, AfterVariant: c.After,
				BeforeMS: before.WallMS, AfterMS: after.WallMS, SlideClaim: c.SlideClaim,
				BeforeFailed: before.Failed,
			}
			if after.WallMS > 0 && before.Failed == 0 {
				row.Speedup = before.WallMS / after.WallMS
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func find(vs []Variant, name string) (Variant, bool) {
	for _, v := range vs {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}
