import { rejectedPaths } from '../shared/test-schema.js';
import {
  CompleteReportSchema,
  FailReportSchema,
  RequestReportSchema,
  StartReportGenerationSchema,
} from './report.commands.js';

describe('report schemas', () => {
  it('accepts priorities 1-5 only, as integers', () => {
    const valid = { reportId: 'r1', patientId: 'p1', reportType: 'summary' };
    expect(rejectedPaths(RequestReportSchema, { ...valid, priority: 5 })).toEqual([]);
    expect(rejectedPaths(RequestReportSchema, { ...valid, priority: 0 })).toEqual(['priority']);
    expect(rejectedPaths(RequestReportSchema, { ...valid, priority: 2.5 })).toEqual(['priority']);
  });

  it('rejects unknown fields and missing values', () => {
    expect(rejectedPaths(StartReportGenerationSchema, { reportId: 'r1', force: true })).toEqual(['force']);
    expect(rejectedPaths(CompleteReportSchema, { reportId: 'r1' })).toEqual(['reportUri']);
    expect(rejectedPaths(FailReportSchema, { reportId: 'r1', errorMessage: '' })).toEqual(['errorMessage']);
  });
});
