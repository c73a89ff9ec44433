import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

CodeSystem = Literal["", "icd10", "snomed"]


class DiagnosisIn(Schema):
    text: str = Field("", max_length=200)
    system: CodeSystem = ""
    code: str = Field("", max_length=40)


class ProcedureIn(Schema):
    text: str = Field("", max_length=200, description="The procedure performed, as the hospital names it.")
    system: CodeSystem = ""
    code: str = Field("", max_length=40)
    date: datetime.date | None = Field(None, description="Only when not on the summary's procedure_date.")


class MedicationIn(Schema):
    name: str = Field("", max_length=200, description="The medicine (required when dose or frequency is given).")
    dose: str = Field("", max_length=200)
    frequency: str = Field("", max_length=200, description="How often.")
    until: datetime.date | None = None


class DeviceIn(Schema):
    type: str = Field("", max_length=200)
    manufacturer: str = Field("", max_length=200)
    model: str = Field("", max_length=200)
    lot: str = Field("", max_length=200)
    serial: str = Field("", max_length=200)


class AllergyIn(Schema):
    substance: str = Field("", max_length=200)
    reaction: str = Field("", max_length=200)


class DischargeIn(Schema):
    procedures: list[ProcedureIn] = Field(
        default_factory=list, max_length=10, description="The procedures performed: at least one."
    )
    procedure_date: datetime.date = Field(description="The date of the (first) procedure.")
    surgeon: str = Field(max_length=200)
    complications: str = Field("", max_length=3000)
    diagnoses: list[DiagnosisIn] = Field(default_factory=list, max_length=10)
    medications: list[MedicationIn] = Field(default_factory=list, max_length=20)
    devices: list[DeviceIn] = Field(default_factory=list, max_length=10)
    allergies: list[AllergyIn] = Field(default_factory=list, max_length=10)
    instructions: str = Field(max_length=5000)
    follow_up: str = Field(max_length=3000)
    fit_to_fly_date: datetime.date
    correction_reason: str = Field("", max_length=500, description="Required for every version after the first.")


class DiagnosisOut(Schema):
    text: str
    system: str
    code: str


class DischargeProcedureOut(Schema):
    text: str
    system: str
    code: str
    date: str = Field(description="ISO date, or empty when on the summary's procedure_date.")


class MedicationOut(Schema):
    name: str
    dose: str
    frequency: str
    until: str


class DeviceOut(Schema):
    type: str
    manufacturer: str
    model: str
    lot: str
    serial: str


class AllergyOut(Schema):
    substance: str
    reaction: str


class DischargeOut(Schema):
    id: UUID
    journey: UUID
    version: int
    written_at: datetime.datetime
    procedures: list[DischargeProcedureOut]
    procedure_date: datetime.date
    surgeon: str
    complications: str
    diagnoses: list[DiagnosisOut]
    medications: list[MedicationOut]
    devices: list[DeviceOut]
    allergies: list[AllergyOut]
    instructions: str
    follow_up: str
    fit_to_fly_date: datetime.date
    correction_reason: str
    versions: list[int] = Field(description="Every version of this summary, newest first; read one with ?version=.")
