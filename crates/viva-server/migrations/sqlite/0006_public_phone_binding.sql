-- A public room whose application has no phone on file belongs to the first phone that
-- joins it: later joins must use the same number, so nobody else can pick an identity.
ALTER TABLE public_sessions ADD COLUMN bound_phone TEXT;
