// Imported first by the effectiveness benchmarks: the processes' own logs at warn, so the report is readable
// (the logger reads LOG_LEVEL once, when it is first imported).
process.env.LOG_LEVEL ??= 'warn';
