import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QUERY_ROLES, Roles } from '../auth/auth.guard.js';
import type { ReadModels } from '../read-models/read-models.js';
import { READ_MODELS } from '../tokens.js';
import { patientDoctors, type PatientDoctorRow } from './care-team.reads.js';
import { patientConsultations, type PatientConsultationRow } from './consultations.reads.js';
import type { Items, Page } from './page.js';
import {
  listPatients,
  patientStatistics,
  requirePatient,
  type PatientRow,
  type StatisticsRow,
} from './patients.reads.js';
import { noParams, parseQuery, pathId } from './query-params.js';
import { careTeamQuery, patientListQuery, timelineQuery } from './query-schemas.js';
import { querySources } from './query-sources.js';
import { patientReports, type ReportRow } from './reports.reads.js';
import { readSnapshot } from './snapshot.js';
import { patientTimeline, type TimelineRow } from './timeline.reads.js';

/** `GET /patients` and a patient's read models (SPEC §5). */
@Controller('patients')
@Roles(...QUERY_ROLES)
export class PatientsController {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  /** Every patient, in `patient_id` order, `limit` (≤ 500, default 100) per page; `after` = the previous `nextCursor`. */
  @Get()
  async list(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page<PatientRow>> {
    await this.readModels.gate(querySources.patients, request, reply);
    const { limit, after } = parseQuery(patientListQuery, query);
    return listPatients(this.readModels.db, limit, after?.[0]);
  }

  /** One patient's profile. */
  @Get(':id')
  async patient(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PatientRow> {
    await this.readModels.gate(querySources.patient, request, reply);
    const patientId = pathId(id);
    parseQuery(noParams, query);
    return requirePatient(this.readModels.db, patientId);
  }

  /** The patient's pre-computed counters and dates. */
  @Get(':id/statistics')
  async statistics(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatisticsRow> {
    await this.readModels.gate(querySources.statistics, request, reply);
    const patientId = pathId(id);
    parseQuery(noParams, query);
    return readSnapshot(this.readModels.db, (db) => patientStatistics(db, patientId));
  }

  /** The patient's timeline, newest first; `before` = the previous page's `nextCursor`. */
  @Get(':id/timeline')
  async timeline(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page<TimelineRow>> {
    await this.readModels.gate(querySources.timeline, request, reply);
    const patientId = pathId(id);
    const { limit, before } = parseQuery(timelineQuery, query);
    return readSnapshot(this.readModels.db, (db) => patientTimeline(db, patientId, limit, before));
  }

  /** The patient's doctors with their assignment and consultation count; `?active=true|false` filters. */
  @Get(':id/doctors')
  async doctors(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Items<PatientDoctorRow>> {
    await this.readModels.gate(querySources.patientDoctors, request, reply);
    const patientId = pathId(id);
    const { active } = parseQuery(careTeamQuery, query);
    return readSnapshot(this.readModels.db, (db) => patientDoctors(db, patientId, active));
  }

  /** The patient's consultations with the doctor's name, newest first. */
  @Get(':id/consultations')
  async consultations(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Items<PatientConsultationRow>> {
    await this.readModels.gate(querySources.patientConsultations, request, reply);
    const patientId = pathId(id);
    parseQuery(noParams, query);
    return readSnapshot(this.readModels.db, (db) => patientConsultations(db, patientId));
  }

  /** The patient's reports and where each stands in its pipeline, newest request first. */
  @Get(':id/reports')
  async reports(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Items<ReportRow>> {
    await this.readModels.gate(querySources.patientReports, request, reply);
    const patientId = pathId(id);
    parseQuery(noParams, query);
    return readSnapshot(this.readModels.db, (db) => patientReports(db, patientId));
  }
}
