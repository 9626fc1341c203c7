# What R's readr makes of the files the library writes (issue 9). Run by
# test-readr.sh as
#
#   Rscript readr.R JOBS
#
# JOBS has one line per CSV file: MODE, CSV, EXPECTED, OUT, STRICT, NAME
# (TAB-separated). EXPECTED is make-package's dump of the values the library
# holds (hex, one record a line, header first). MODE is
#
#   defaults  x <- read_csv(CSV)  (readr's defaults: "" and "NA" are NA, spaces
#             at both ends of a field are trimmed, column types guessed from
#             the first 1000 rows). Compared in the natural way: NA is the
#             library's empty value; a number is compared as the digits the
#             library holds (integers print without exponent), a date as
#             YYYY-MM-DD, text byte for byte. Parsing problems (problems(x))
#             count as differences.
#   lossless  x <- read_csv(CSV, col_types = cols(.default = col_character()),
#             na = character(), trim_ws = FALSE)  every field as the text it
#             holds; compared byte for byte ("" is the library's empty value).
#
# and then write_csv(x, OUT, na = "") writes it back (the shell checks that the
# library loads it identically). STRICT 1: a difference fails; 0: differences
# are printed as notes (readr at its defaults on awkward values).
#
# Prints TAP-style ok / not ok lines with "#" details; exits 1 if any failed.
suppressPackageStartupMessages(library(readr))

args <- commandArgs(trailingOnly = TRUE)
jobs <- read.delim(args[1], header = FALSE, sep = "\t", quote = "", colClasses = "character",
                   col.names = c("mode", "csv", "expected", "out", "strict", "name"))

hex_decode <- function(h) {
  if (!nzchar(h)) return("")
  bytes <- as.raw(strtoi(substring(h, seq(1, nchar(h), 2), seq(2, nchar(h), 2)), 16L))
  s <- rawToChar(bytes)
  Encoding(s) <- "UTF-8"
  s
}

read_expected <- function(path) {
  lines <- readLines(path, warn = FALSE, encoding = "latin1")
  rows <- lapply(strsplit(lines, "\t", fixed = TRUE), function(f) vapply(f, hex_decode, "", USE.NAMES = FALSE))
  width <- length(rows[[1]])
  # strsplit drops trailing empty fields
  rows <- lapply(rows, function(r) c(r, rep("", width - length(r))))
  list(header = rows[[1]],
       values = if (length(rows) > 1) do.call(rbind, rows[-1]) else matrix("", 0, width))
}

# a value read at readr's defaults, as the text the library would hold
as_text <- function(v) {
  out <- if (inherits(v, "Date")) {
    format(v, "%Y-%m-%d")
  } else if (is.numeric(v)) {
    ifelse(is.finite(v) & v == round(v) & abs(v) < 2^53, sprintf("%.0f", v),
           format(v, digits = 17, scientific = FALSE, trim = TRUE))
  } else if (is.logical(v)) {
    ifelse(v, "TRUE", "FALSE")
  } else {
    as.character(v)
  }
  out[is.na(v)] <- ""
  enc2utf8(out)
}

show <- function(s) {
  s <- encodeString(s, quote = "\"")
  if (nchar(s) > 80) paste0(substr(s, 1, 77), "...") else s
}

failed <- 0
for (j in seq_len(nrow(jobs))) {
  job <- jobs[j, ]
  strict <- job$strict == "1"
  what <- sprintf("readr %s: %s", job$mode, job$name)
  exp <- read_expected(job$expected)
  x <- if (job$mode == "defaults") {
    suppressWarnings(suppressMessages(read_csv(job$csv)))
  } else {
    suppressWarnings(read_csv(job$csv, col_types = cols(.default = col_character()),
                              na = character(), trim_ws = FALSE))
  }
  notes <- character()
  probs <- problems(x)
  if (nrow(probs) > 0) {
    notes <- c(notes, sprintf("%d parsing problems, first: row %d col %d expected %s, got %s",
                              nrow(probs), probs$row[1], probs$col[1], probs$expected[1],
                              show(probs$actual[1])))
  }
  if (!identical(names(x), exp$header)) {
    notes <- c(notes, sprintf("columns %s, the library has %s",
                              paste(names(x), collapse = ","), paste(exp$header, collapse = ",")))
  }
  ndiff <- 0
  if (nrow(x) != nrow(exp$values)) {
    notes <- c(notes, sprintf("%d rows read, the library holds %d", nrow(x), nrow(exp$values)))
    ndiff <- ndiff + 1
  } else if (identical(names(x), exp$header)) {
    for (k in seq_along(exp$header)) {
      col <- x[[k]]
      got <- if (job$mode == "defaults") as_text(col) else enc2utf8(col)
      want <- exp$values[, k]
      bad <- which(got != want)
      if (length(bad) == 0) next
      ndiff <- ndiff + length(bad)
      type <- class(col)[1]
      examples <- vapply(head(bad, 3), function(i) {
        sprintf("row %d: read %s, library holds %s", i + 1, show(got[i]), show(want[i]))
      }, "")
      notes <- c(notes, sprintf("%s (read as %s): %d values differ; %s", exp$header[k], type,
                                length(bad), paste(examples, collapse = "; ")))
    }
  }
  if (nrow(probs) > 0 || !identical(names(x), exp$header)) ndiff <- ndiff + 1
  write_csv(x, job$out, na = "")
  summary <- sprintf("%s: %d rows, %d columns, %d values differ", what, nrow(x), ncol(x), ndiff)
  if (ndiff == 0) {
    cat(sprintf("ok - %s\n", summary))
  } else if (!strict) {
    cat(sprintf("ok - %s (expected at readr's defaults on these values)\n", summary))
    cat(sprintf("# note: %s\n", notes), sep = "")
  } else {
    failed <- failed + 1
    cat(sprintf("not ok - %s\n", summary))
    cat(sprintf("#   %s\n", notes), sep = "")
  }
}
quit(status = if (failed > 0) 1 else 0)
