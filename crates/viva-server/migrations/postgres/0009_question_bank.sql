-- PostgreSQL dialect. The question bank: questions staff keep per interview type, shown to the
-- interviewer in the call beside the job's own questions. Same conventions as 0001.
CREATE TABLE question_bank (
    id TEXT PRIMARY KEY,
    interview_type TEXT NOT NULL,
    text TEXT NOT NULL,
    position BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX question_bank_type ON question_bank (interview_type, position);
