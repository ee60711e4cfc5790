export * from './errors';
export * from './http';
export * from './operations';
export * from './paths';
export * from './redact';
export * from './schemas';
export * from './tokens';
export * from './validators';
