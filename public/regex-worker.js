// The masking rule tester's engine, off the page's thread: an expression that backtracks for
// ever, such as (a+)+$ on a long sample, ties up this worker, which the page ends after its time
// limit, never the tab. Messages: {id, regex, value, sample} in; {id, text, matches} or
// {id, invalid} out.
self.onmessage = (event) => {
  const { id, regex, value, sample } = event.data;
  let re;
  try {
    re = new RegExp(regex, "g");
  } catch (err) {
    self.postMessage({ id, invalid: String(err && err.message) });
    return;
  }
  const matches = (sample.match(re) || []).length;
  // A function replacer inserts the substitution literally (no `$1` expansion surprises).
  const text = sample.replace(re, () => value);
  self.postMessage({ id, text, matches });
};
