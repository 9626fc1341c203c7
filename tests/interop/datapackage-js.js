// What the official Frictionless JS library, datapackage 1.1.10, makes of a
// package the library wrote (issue 9). Run by test-datapackage-js.sh:
//
//   node datapackage-js.js NODE_MODULES NAME PACKAGE_DIR [--dump DIR] [--bom] [--probes FILE]
//
// 1. datapackage.json, as written, against the official Tabular Data Package
//    profile shipped in the npm package (tv4, as datapackage-js validates);
// 2. Package.load(..., {strict: true}): datapackage-js's own validation of the
//    package and of every resource and Table Schema;
// 3. every row of every resource read with casting and constraints
//    (resource.read({cast: true, forceCast: true}): every failing row is an
//    error object instead of a row, so that all are counted) and with
//    relations (read({relations: true, forceCast: true}): foreign keys
//    resolved, the parent_review_id self-reference included);
// 4. with --dump DIR (make-package --dump: what the library holds), every value
//    compared: the uncast text (read({cast: false})) byte for byte, and the
//    cast value (strings equal, integers equal as numbers, empty = null).
// 5. every constraint is one Table Schema defines for the field's type
//    (frictionless-py refuses the package otherwise, e.g. "constraint "format"
//    is not supported by type "string"");
// 6. with --probes FILE (make-package --probes), datapackage-js accepts exactly
//    the values the library accepts (field.castValue with constraints): not
//    looser ("2015-02-30", "2015-02-29", "+3") and not stricter.
// With --ltrim-known (a package with values that start with a space or TAB),
// differences and failing rows that datapackage-js's dropping of leading
// spaces explains are counted apart (a known defect of datapackage-js 1.1.10:
// tableschema-js parses with ltrim: true and the dialect cannot turn it off),
// and the same files are read again by tableschema-js with ltrim: false, where
// nothing may differ.
// With --bom (a spreadsheet-safe package, whose CSV files start with a BOM and
// whose text is changed on purpose), 1 and 2 count, plus: the declared
// encoding says what the bytes are; reading it is reported, not counted.
//
// Prints "#"-comment details and one summary line; exits 1 when anything
// counted failed, 2 when it could not run.
'use strict'
const fs = require('fs')
const path = require('path')

let [nodeModules, name, dir, ...opts] = process.argv.slice(2)
let bom = false
let dumpDir = null
let probesFile = null
let ltrimKnown = false
for (let i = 0; i < opts.length; i++) {
  if (opts[i] === '--bom') bom = true
  else if (opts[i] === '--dump') dumpDir = opts[++i]
  else if (opts[i] === '--probes') probesFile = opts[++i]
  else if (opts[i] === '--ltrim-known') ltrimKnown = true
  else dir = undefined
}
if (!dir) {
  console.error(
    'usage: node datapackage-js.js NODE_MODULES NAME DIR [--dump DIR] [--bom] [--probes FILE] [--ltrim-known]'
  )
  process.exit(2)
}
const { Package, Profile } = require(path.join(nodeModules, 'datapackage'))

const MAX_SHOWN = 8
const leadingWs = (s) => /^[ \t]/.test(s)
const ltrimmed = (s) => s.replace(/^[ \t]+/, '')
let errors = 0 // datapackage-js said no
let differences = 0 // datapackage-js read a value other than the library holds
let rowsRead = 0
let known = 0 // --ltrim-known: what datapackage-js's dropped leading spaces explain
const shown = {}
function report(kind, what, message) {
  if (kind === 'error') errors++
  else if (kind === 'difference') differences++
  const key = kind + ' ' + what
  shown[key] = (shown[key] || 0) + 1
  if (shown[key] <= MAX_SHOWN) console.log(`# ${kind}: ${what}: ${message}`)
  else if (shown[key] === MAX_SHOWN + 1) console.log(`# ${kind}: ${what}: ... (more not shown)`)
}
const errorText = (e) => {
  let t = String((e && e.message) || e).replace(/\s+/g, ' ')
  if (e && Array.isArray(e.errors) && e.errors.length)
    t += ' [' + e.errors.map((x) => String(x.message || x).replace(/\s+/g, ' ')).join('; ') + ']'
  return t
}

// A make-package dump: one record per line, fields as hex, TAB between them.
function readDump(file) {
  const text = fs.readFileSync(file, 'latin1')
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines.map((l) => l.split('\t').map((h) => Buffer.from(h, 'hex').toString('utf8')))
}

const show = (v) => JSON.stringify(v).slice(0, 120)

async function main() {
  const descriptorPath = path.join(dir, 'datapackage.json')
  const raw = JSON.parse(fs.readFileSync(descriptorPath, 'utf8'))

  // 1. the official profile, on the descriptor as written (Package.load would
  // first fill in defaults such as a missing profile)
  const profile = await Profile.load('tabular-data-package')
  const check = profile.validate(raw)
  for (const e of check.errors) report('error', 'tabular-data-package profile', errorText(e))
  for (const r of raw.resources || []) {
    // without a dialect datapackage-js guesses the delimiter from the first
    // bytes (csv-sniffer) and may pick ' ' or ':'
    if (!r.dialect || !r.dialect.delimiter)
      report('error', `resource ${r.name}`, 'no dialect.delimiter: datapackage-js will guess it')
  }

  // 2. datapackage-js's own strict load
  let pkg
  try {
    pkg = await Package.load(descriptorPath, { strict: true })
  } catch (e) {
    report('error', 'Package.load strict', errorText(e))
    pkg = await Package.load(descriptorPath, { strict: false })
  }
  for (const e of pkg.errors || []) report('error', 'package', errorText(e))
  for (const res of pkg.resources) {
    for (const e of res.errors || []) report('error', `resource ${res.name}`, errorText(e))
    if (!res.tabular) report('error', `resource ${res.name}`, 'not a tabular resource')
    else if (!res.schema || !res.schema.valid)
      for (const e of (res.schema && res.schema.errors) || ['no schema'])
        report('error', `schema of ${res.name}`, errorText(e))
  }

  // 5. the constraints the official Table Schema profile (shipped with
  // tableschema-js) lists for each type; draft-04 lets others through
  const tableSchema = require(path.join(nodeModules, 'tableschema/lib/profiles/table-schema.json'))
  const allowed = {}
  for (const f of tableSchema.properties.fields.items.anyOf)
    for (const t of f.properties.type.enum)
      allowed[t] = Object.keys((f.properties.constraints || {}).properties || {})
  for (const r of raw.resources || [])
    for (const f of (r.schema && r.schema.fields) || [])
      for (const k of Object.keys(f.constraints || {}))
        if (!(allowed[f.type || 'string'] || []).includes(k))
          report(
            'error',
            `field ${r.name}.${f.name}`,
            `constraint "${k}" is not supported by type "${f.type}" (frictionless-py refuses the package)`
          )

  // 6. the descriptor's rules against the library's, value by value
  if (probesFile) {
    const lines = fs.readFileSync(probesFile, 'latin1').split('\n').filter((l) => l)
    for (const line of lines) {
      const [table, column, hex, verdict] = line.split('\t')
      const value = Buffer.from(hex, 'hex').toString('utf8')
      const res = pkg.getResource(table)
      const field = res && res.schema && res.schema.getField(column)
      if (!field) {
        report('error', `probe ${table}.${column}`, 'no such field in the descriptor')
        continue
      }
      let js = true
      try {
        field.castValue(value)
      } catch (e) {
        js = false
      }
      const lib = verdict === '1'
      if (js === lib) continue
      report(
        'error',
        `rules of ${table}.${column}`,
        `${show(value)}: the library ${lib ? 'accepts' : 'rejects'} it, datapackage-js ${js ? 'accepts' : 'rejects'} it`
      )
    }
    console.log(`# ${lines.length} probe values checked against the descriptor's rules`)
  }

  if (bom) {
    for (const res of pkg.resources) {
      const bytes = fs.readFileSync(path.join(dir, res.descriptor.path))
      const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
      const enc = String(res.descriptor.encoding || 'utf-8').toLowerCase()
      if (hasBom !== (enc === 'utf-8-sig'))
        report(
          'error',
          `resource ${res.name}`,
          `encoding "${enc}" but the file ${hasBom ? 'starts' : 'does not start'} with a BOM`
        )
      try {
        const rows = await res.read({ keyed: true, cast: true, forceCast: true })
        const bad = rows.filter((r) => r instanceof Error).length
        const first = Object.keys(rows.find((r) => !(r instanceof Error)) || {})[0]
        console.log(
          `# note: ${res.name}: datapackage-js read ${rows.length} rows, ${bad} with errors, ` +
            `first header ${show(first)}`
        )
      } catch (e) {
        console.log(`# note: ${res.name}: datapackage-js cannot read it: ${errorText(e)}`)
      }
    }
    console.log(`${name}: ${pkg.resources.length} resources, ${errors} errors (spreadsheet-safe)`)
    return
  }

  // 3 and 4
  for (const res of pkg.resources) {
    if (!res.tabular) continue
    const what = `${res.name}`
    let expected = null
    let header = null
    if (dumpDir) {
      expected = readDump(path.join(dumpDir, `${res.name}.tsv`))
      header = expected.shift()
    }
    const fields = res.schema ? res.schema.fields : []
    const read = async (how, options) => {
      try {
        return await res.read(options)
      } catch (e) {
        report('error', what, `reading ${how}: ${errorText(e)}`)
        return null
      }
    }
    const cast = await read('with casting', { cast: true, forceCast: true })
    const uncast = await read('uncast', { cast: false })
    const related = await read('with relations', { relations: true, forceCast: true })
    if (!cast || !uncast || !related) continue
    rowsRead += cast.length
    // --ltrim-known: a row holding a value that starts with a space or TAB may
    // fail because datapackage-js dropped them (a constraint on what is left)
    const trimHit = (i) => ltrimKnown && expected && expected[i] && expected[i].some(leadingWs)
    cast.forEach((row, i) => {
      if (!(row instanceof Error)) return
      if (trimHit(i)) known++
      else report('error', what, `row ${i + 2}: ${errorText(row)}`)
    })
    related.forEach((row, i) => {
      if (!(row instanceof Error)) return
      if (trimHit(i)) known++
      else report('error', `${what} relations`, `row ${i + 2}: ${errorText(row)}`)
    })
    if (!expected) continue
    if (JSON.stringify(res.headers) !== JSON.stringify(header))
      report('difference', what, `header ${show(res.headers)}, library ${show(header)}`)
    if (cast.length !== expected.length)
      report('difference', what, `${cast.length} rows read, the library holds ${expected.length}`)
    const n = Math.min(cast.length, expected.length)
    for (let i = 0; i < n; i++) {
      const want = expected[i]
      const got = uncast[i] || []
      for (let c = 0; c < want.length; c++) {
        const col = (fields[c] && fields[c].name) || `column ${c + 1}`
        const text = got[c] === undefined ? '' : got[c]
        if (text !== want[c] && ltrimKnown && text === ltrimmed(want[c])) known++
        else if (text !== want[c])
          report(
            'difference',
            `${what}.${col} text`,
            `row ${i + 2}: read ${show(got[c])}, library holds ${show(want[c])}`
          )
        const row = cast[i]
        if (row instanceof Error) continue
        const v = row[c]
        const type = fields[c] ? fields[c].type : 'string'
        let same
        if (want[c] === '') same = v === null
        else if (type === 'integer') same = typeof v === 'number' && BigInt(v) === BigInt(want[c])
        else same = v === want[c]
        if (!same && ltrimKnown && leadingWs(want[c]) && v === (ltrimmed(want[c]) || null)) known++
        else if (!same)
          report(
            'difference',
            `${what}.${col} cast (${type})`,
            `row ${i + 2}: ${show(v)}, library holds ${show(want[c])}`
          )
      }
    }
  }
  if (ltrimKnown && dumpDir) {
    // the same files read by tableschema-js (the parser under datapackage-js)
    // with the dialect's skipInitialSpace: false honoured: nothing may differ
    const { Table } = require(path.join(nodeModules, 'tableschema'))
    for (const res of pkg.resources) {
      const what = `${res.name} (tableschema-js, ltrim off)`
      const expected = readDump(path.join(dumpDir, `${res.name}.tsv`))
      expected.shift()
      const file = path.join(dir, res.descriptor.path)
      const options = { schema: res.descriptor.schema, delimiter: ',', ltrim: false }
      const uncast = await (await Table.load(file, options)).read({ cast: false })
      const cast = await (await Table.load(file, options)).read({ cast: true, forceCast: true })
      if (uncast.length !== expected.length)
        report('difference', what, `${uncast.length} rows read, the library holds ${expected.length}`)
      cast.forEach((row, i) => {
        if (row instanceof Error) report('error', what, `row ${i + 2}: ${errorText(row)}`)
      })
      uncast.forEach((row, i) => {
        const want = expected[i] || []
        for (let c = 0; c < want.length; c++)
          if ((row[c] === undefined ? '' : row[c]) !== want[c])
            report('difference', what, `row ${i + 2}: read ${show(row[c])}, library holds ${show(want[c])}`)
      })
    }
    console.log(
      `# note: ${known} values and rows differ only because datapackage-js drops spaces and TABs ` +
        `at the start of a value (it ignores the dialect's skipInitialSpace: false); tableschema-js ` +
        `with ltrim off reads every value as the library holds it`
    )
  }
  console.log(
    `${name}: ${pkg.resources.length} resources, ${rowsRead} rows read, ${errors} errors, ` +
      `${differences} values differing from the library` +
      (ltrimKnown ? `, ${known} explained by datapackage-js dropping leading spaces` : '')
  )
}

main()
  .then(() => process.exit(errors || differences ? 1 : 0))
  .catch((e) => {
    console.log(`# could not run: ${e && e.stack ? e.stack : e}`)
    process.exit(2)
  })
