"""Builds the English glossary (medijourney/glossary/data/en.json) and the source extracts
(medijourney/glossary/data/sources/) from the staged vocabulary files and the curated lists below.

    python scripts/glossary_build.py /path/to/vocabulary/

The curated lists are the choice (see medijourney/glossary/data/PROVENANCE.md): CDC entries that are
medical, NCI terms the product's own texts use, and terms the catalogue's procedures use that
neither source has (written for the project). Translations live in the other language files and
are not touched by this script."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "medijourney" / "glossary" / "data"

CREDITS = {
    "cdc": (
        "Source: CDC Plain Language Thesaurus for Health Communications, Centers for Disease Control and "
        "Prevention (public domain)",
        "https://stacks.cdc.gov/view/cdc/11500",
    ),
    "nci_cancer": (
        "Source: NCI Dictionary of Cancer Terms, National Cancer Institute, cancer.gov",
        "https://www.cancer.gov/publications/dictionaries/cancer-terms",
    ),
    "nci_genetics": (
        "Source: NCI Dictionary of Genetics Terms, National Cancer Institute, cancer.gov",
        "https://www.cancer.gov/publications/dictionaries/genetics-dictionary",
    ),
    "project": ("Written for MediJourney", ""),
}

# NCI Dictionary of Cancer Terms: (term as in the dictionary, aliases). The explanation is the
# dictionary's first sentence (two when the first is short), verbatim ("quoted"), unless NCI_ADAPTED
# gives a shortened or clarified wording ("adapted").
NCI: list[tuple[str, list[str]]] = [
    ("ablation", ["ablations"]),
    ("anastomosis", ["anastomoses"]),
    ("anesthesia", ["anaesthesia", "anaesthetic", "anesthetic"]),
    ("general anesthesia", ["general anaesthesia", "general anaesthetic", "general anesthetic"]),
    ("local anesthesia", ["local anaesthesia", "local anaesthetic", "local anesthetic"]),
    ("sedation", []),
    ("angiography", ["angiogram", "coronary angiography"]),
    ("angioplasty", ["balloon angioplasty"]),
    ("anticoagulant", ["anticoagulants", "blood thinner", "blood thinners"]),
    ("antibiotic", ["antibiotics"]),
    ("appendectomy", ["appendicectomy"]),
    ("bariatric surgery", ["weight-loss surgery", "weight loss surgery"]),
    ("benign", []),
    ("benign prostatic hyperplasia", ["BPH", "enlarged prostate"]),
    ("biopsy", ["biopsies"]),
    ("blood clot", ["blood clots"]),
    ("body mass index", ["BMI"]),
    ("bone marrow transplant", ["bone marrow transplantation"]),
    ("cataract", ["cataracts"]),
    ("catheter", ["catheters"]),
    ("cesarean section", ["caesarean section", "C-section", "caesarean"]),
    ("chemotherapy", ["chemo"]),
    ("chimeric antigen receptor T-cell therapy", ["CAR-T cell therapy", "CAR T-cell therapy", "CAR-T"]),
    ("chronic kidney disease", ["CKD"]),
    ("colectomy", ["bowel resection"]),
    ("colonoscopy", []),
    ("confusion", []),
    ("coronary artery bypass grafting", ["CABG", "coronary artery bypass graft", "bypass surgery"]),
    ("CT scan", ["CT", "computed tomography"]),
    ("cyst", ["cysts"]),
    ("deep vein thrombosis", ["DVT"]),
    ("dental implant", ["dental implants"]),
    ("dialysis", []),
    ("discharge", ["discharged"]),
    ("dyspnea", ["dyspnoea", "shortness of breath", "breathless", "breathlessness"]),
    ("edema", ["oedema"]),
    ("endometriosis", []),
    ("endoscopy", ["endoscope", "endoscopic"]),
    ("ERCP", ["endoscopic retrograde cholangiopancreatography"]),
    ("erectile dysfunction", ["impotence"]),
    ("fever", []),
    ("fibroid", ["fibroids"]),
    ("fine-needle aspiration biopsy", ["FNA", "fine-needle aspiration", "fine needle aspiration"]),
    ("fistula", ["fistulas", "fistulae"]),
    ("follow-up care", ["follow-up"]),
    ("gallstone", ["gallstones"]),
    ("gastrectomy", []),
    ("glaucoma", []),
    ("hematoma", ["haematoma"]),
    ("hemorrhage", ["haemorrhage"]),
    ("hemorrhoid", ["hemorrhoids", "haemorrhoid", "haemorrhoids", "piles"]),
    ("hernia", ["hernias"]),
    ("hysterectomy", []),
    ("immunotherapy", []),
    ("implant", ["implants"]),
    ("in vitro fertilization", ["IVF", "in vitro fertilisation"]),
    ("incision", ["incisions"]),
    ("infection", ["infections", "infected"]),
    ("laparoscopy", ["laparoscopic", "keyhole surgery"]),
    ("liposuction", []),
    ("lumpectomy", ["breast-conserving surgery"]),
    ("lymph node", ["lymph nodes", "lymph-node"]),
    ("macular degeneration", []),
    ("malignant", []),
    ("mastectomy", []),
    ("nausea", []),
    ("obesity", []),
    ("oocyte cryopreservation", ["egg freezing"]),
    ("outpatient", ["day case", "day patient"]),
    ("pacemaker", []),
    ("prognosis", []),
    ("prostate", ["prostate gland"]),
    ("proton beam radiation therapy", ["proton beam therapy", "proton therapy"]),
    ("ptosis", []),
    ("pulmonary embolism", []),
    ("radiation therapy", ["radiotherapy"]),
    ("radioactive iodine", []),
    ("retina", ["retinal"]),
    ("second opinion", []),
    ("shunt", []),
    ("sleep apnea", ["sleep apnoea"]),
    ("staging", []),
    ("stent", ["stents"]),
    ("stereotactic body radiation therapy", ["SBRT", "stereotactic body radiotherapy"]),
    ("stroke", []),
    ("thyroid gland", ["thyroid"]),
    ("thyroidectomy", []),
    ("transurethral resection of the prostate", ["TURP"]),
    ("tumor", ["tumour", "tumors", "tumours"]),
    ("ultrasound", []),
    ("urinary incontinence", ["incontinence"]),
    ("uterus", ["womb"]),
    ("vasectomy", []),
    ("wound", ["wounds"]),
    ("x-ray", ["x-rays", "X-ray", "X-rays"]),
]

# Where the dictionary's first sentences are too technical or refer to things left out.
NCI_ADAPTED: dict[str, str] = {
    "anesthesia": "A loss of feeling or awareness caused by drugs, so that a patient does not feel pain during "
    "surgery or other procedures.",
    "benign": "Not cancer. Benign tumors may grow larger but do not spread to other parts of the body.",
    "chimeric antigen receptor T-cell therapy": "A treatment in which a patient's T cells (a type of immune "
    "system cell) are changed in the laboratory so they will attack cancer cells.",
    "discharge": "Release of a patient from hospital care; the word also means a fluid that comes out of the "
    "body, such as from a wound.",
    "ERCP": "A procedure that uses an endoscope (a thin tube with a light and a camera) and x-rays to look at "
    "and treat the ducts that drain the liver, gallbladder and pancreas.",
    "fever": "An increase in body temperature above normal (about 37 °C or 98.6 °F), usually caused by disease.",
    "follow-up care": "Care given to a patient over time after finishing treatment, with regular checkups "
    "that may include a physical exam and tests.",
    "malignant": "A term used to describe cancer. Malignant cells grow in an uncontrolled way and can invade "
    "nearby tissues and spread to other parts of the body.",
    "staging": "Exams and tests to learn the extent of a cancer in the body, especially whether it has spread "
    "from where it first formed.",
    "x-ray": "A type of radiation that, in low doses, is used to make pictures of the inside of the body.",
}

# CDC Plain Language Thesaurus: (term, aliases, explanation adapted from the plain alternatives).
CDC: list[tuple[str, list[str], str]] = [
    ("abdomen", ["abdominal"], "The belly: the part of the body between the chest and the hips."),
    (
        "allergy",
        ["allergies", "allergic"],
        "A reaction of the body to certain things, such as a food, a medicine or pollen.",
    ),
    ("alopecia", ["hair loss"], "Hair loss or balding."),
    (
        "anaphylaxis",
        ["anaphylactic"],
        "A sudden and severe allergic reaction that can be life-threatening and needs emergency care.",
    ),
    ("bilateral", [], "On both sides of the body, for example both knees."),
    ("cardiovascular", [], "Having to do with the heart and blood vessels."),
    ("chronic", [], "Long-lasting: a chronic condition does not go away quickly."),
    ("congenital", [], "Present from birth; something a person is born with."),
    (
        "COPD",
        ["chronic obstructive pulmonary disease"],
        "A long-term lung disease, such as emphysema, that makes it hard to breathe.",
    ),
    ("diabetes", ["diabetic"], "A disease in which there is too much sugar in the blood."),
    ("diagnosis", ["diagnoses"], "Finding out the cause of an illness; the name of the condition found."),
    ("dose", ["doses"], "The amount of a medicine (or of radiation) given at one time."),
    ("EKG", ["ECG", "electrocardiogram"], "A test that records the heart's electrical activity."),
    ("fracture", ["fractures", "fractured"], "A broken bone."),
    ("glucose", ["blood sugar"], "Sugar in the blood, which the body uses for energy."),
    ("hemodialysis", ["haemodialysis"], "Using a machine to clean the blood when the kidneys cannot."),
    ("hypertension", ["high blood pressure"], "High blood pressure."),
    ("inflammation", ["inflamed"], "Swelling, redness, heat or pain where the body reacts to an injury or infection."),
    ("intravenous", ["drip"], "Into a vein: medicine or fluid given straight into the bloodstream."),
    ("jaundice", [], "Yellowing of the skin and the whites of the eyes, often a sign of a liver problem."),
    ("ligament", ["ligaments"], "A strong band of tissue that holds bones together at a joint."),
    (
        "physical therapy",
        ["physiotherapy", "physiotherapist", "physical therapist"],
        "Treatment of pain and weakness through exercise, stretching and movement.",
    ),
    ("seizure", ["seizures"], "A sudden attack of uncontrolled movements or changes in awareness caused by the brain."),
    ("side effect", ["side effects"], "An unwanted effect of a medicine or treatment."),
    ("sutures", ["suture", "stitches"], "Stitches that close a wound or a surgical cut."),
    ("symptom", ["symptoms"], "A sign of an illness that a person feels or notices, such as pain."),
    ("vomit", ["vomiting"], "To throw up."),
]

# Terms the catalogue's procedures use that neither source has: written for the project.
PROJECT: list[tuple[str, list[str], str]] = [
    (
        "arthroplasty",
        ["joint replacement", "knee replacement", "hip replacement", "shoulder replacement"],
        "Surgery that replaces a damaged joint, such as a knee or hip, with artificial parts.",
    ),
    (
        "osteoarthritis",
        ["arthrosis"],
        "Wear and tear of a joint: the smooth cartilage at the ends of the bones thins, so the joint becomes "
        "painful and stiff.",
    ),
    (
        "arthroscopy",
        ["arthroscopic", "keyhole joint surgery"],
        "Keyhole surgery on a joint: the surgeon looks "
        "inside through a small camera and repairs it through small cuts.",
    ),
    (
        "ACL",
        ["anterior cruciate ligament"],
        "The anterior cruciate ligament: a strong band inside the knee that keeps it stable.",
    ),
    (
        "rotator cuff",
        [],
        "The group of muscles and tendons that hold the shoulder joint in place and let the arm lift and turn.",
    ),
    (
        "spinal fusion",
        [],
        "Surgery that joins two or more bones of the spine so they heal into one solid bone "
        "and stop moving against each other.",
    ),
    (
        "discectomy",
        ["microdiscectomy"],
        "Surgery to remove the part of a damaged disc in the spine that presses on a nerve.",
    ),
    (
        "carpal tunnel",
        ["carpal tunnel syndrome"],
        "A narrow passage in the wrist; when it presses on the nerve "
        "inside, the hand can tingle, go numb or feel weak.",
    ),
    ("bunion", ["bunions"], "A bony bump at the base of the big toe, where the toe bends towards the other toes."),
    (
        "heart valve",
        ["heart valves", "aortic valve", "mitral valve"],
        "One of four flaps inside the heart that open and close to keep blood flowing in one direction.",
    ),
    (
        "TAVI",
        ["transcatheter aortic valve implantation", "TAVR"],
        "Replacing the aortic heart valve through a "
        "thin tube put into a blood vessel, usually in the groin, instead of open-heart surgery.",
    ),
    ("arrhythmia", ["arrhythmias"], "A heartbeat that is too fast, too slow or irregular."),
    (
        "defibrillator",
        ["implantable cardioverter defibrillator"],
        "A device that gives the heart an electric "
        "shock to restore a normal rhythm; an implanted one does this automatically.",
    ),
    (
        "septal defect",
        ["ASD", "VSD", "hole in the heart"],
        "A hole in the wall between the left and right sides of the heart, usually present from birth.",
    ),
    (
        "ICSI",
        ["intracytoplasmic sperm injection"],
        "An IVF technique in which a single sperm is injected directly into an egg in the laboratory.",
    ),
    (
        "IUI",
        ["intrauterine insemination"],
        "A fertility treatment in which prepared sperm is placed directly into the womb around the time of ovulation.",
    ),
    (
        "embryo transfer",
        ["frozen embryo transfer", "FET"],
        "The step of fertility treatment in which an embryo is placed into the womb through a thin tube.",
    ),
    (
        "preimplantation genetic testing",
        ["PGT"],
        "Testing embryos made by IVF for certain genetic conditions before one is placed in the womb.",
    ),
    (
        "hysteroscopy",
        [],
        "Looking inside the womb with a thin camera passed through the vagina and cervix, without cuts in the skin.",
    ),
    ("myomectomy", [], "Surgery to remove fibroids while keeping the womb."),
    ("crown", ["dental crown", "crowns"], "A cap that covers a damaged tooth to restore its shape, strength and look."),
    (
        "root canal",
        ["root canal treatment"],
        "Treatment that removes infected or damaged tissue from inside a tooth, then cleans and seals it.",
    ),
    ("veneer", ["veneers"], "A thin shell, often of porcelain, bonded to the front of a tooth to change how it looks."),
    (
        "bone graft",
        ["sinus lift"],
        "Bone or bone-like material added where bone is missing, for example in the "
        "jaw so that a dental implant can hold.",
    ),
    (
        "periodontal",
        ["periodontitis", "gum disease"],
        "Having to do with the gums and the tissues that hold the "
        "teeth; periodontal disease is a gum infection that can loosen teeth.",
    ),
    (
        "LASIK",
        [],
        "Laser eye surgery that reshapes the clear front of the eye (cornea) to correct short or long sight.",
    ),
    ("vitrectomy", [], "Eye surgery that removes the clear gel inside the eye, often to repair the retina."),
    (
        "retinal detachment",
        ["detached retina"],
        "When the retina (the light-sensitive layer at the back of the "
        "eye) comes away from its place; it needs urgent treatment to save sight.",
    ),
    (
        "keratoplasty",
        ["corneal transplant"],
        "Replacing a damaged cornea (the clear front of the eye) with healthy tissue from a donor.",
    ),
    (
        "anti-VEGF",
        ["intravitreal injection", "intravitreal"],
        "Medicine injected into the eye to stop abnormal "
        "blood vessels growing and leaking, for example in macular degeneration.",
    ),
    ("rhinoplasty", ["nose job"], "Surgery to change the shape of the nose or to help breathing through it."),
    (
        "abdominoplasty",
        ["tummy tuck"],
        "Surgery that removes extra skin and fat from the belly and tightens its muscles.",
    ),
    ("blepharoplasty", ["eyelid surgery"], "Surgery to remove extra skin or fat from the eyelids."),
    (
        "dermal filler",
        ["dermal fillers", "botulinum toxin"],
        "Substances injected under the skin, or into muscles, to soften lines and wrinkles for a few months.",
    ),
    (
        "sleeve gastrectomy",
        [],
        "Weight-loss surgery that removes most of the stomach, leaving a narrow tube "
        "so that a person feels full sooner.",
    ),
    (
        "gastric bypass",
        ["Roux-en-Y"],
        "Weight-loss surgery that makes a small stomach pouch and connects it directly to the small intestine.",
    ),
    (
        "gastric band",
        ["gastric banding"],
        "An adjustable ring placed around the top of the stomach to limit how much a person can eat.",
    ),
    ("aneurysm", ["aneurysms"], "A bulge in the wall of a blood vessel, which can burst and bleed."),
    (
        "deep brain stimulation",
        ["DBS"],
        "Treatment with thin wires placed in the brain and a small device "
        "under the skin that sends electrical pulses, for example for Parkinson's disease.",
    ),
    (
        "lithotripsy",
        ["ESWL", "shock-wave lithotripsy"],
        "Breaking kidney or ureter stones into small pieces "
        "with shock waves or a laser so they can pass out in the urine.",
    ),
    ("kidney stone", ["kidney stones"], "A hard lump that forms from minerals in the urine inside the kidney."),
    ("cholecystectomy", ["gallbladder removal"], "Surgery to remove the gallbladder, usually because of gallstones."),
    (
        "fundoplication",
        ["anti-reflux surgery"],
        "Surgery that wraps the top of the stomach around the lower food pipe to stop acid reflux.",
    ),
    ("reflux", ["acid reflux"], "Stomach acid coming back up into the food pipe, which can cause heartburn."),
    (
        "arteriovenous fistula",
        ["AV fistula"],
        "A connection made by surgery between an artery and a vein, "
        "usually in the arm, to give good access for dialysis.",
    ),
    ("tonsillectomy", [], "Surgery to remove the tonsils at the back of the throat."),
    (
        "cochlear implant",
        ["cochlear implants"],
        "An electronic device placed in the inner ear that helps a person with severe hearing loss to hear sounds.",
    ),
    (
        "hair transplant",
        ["follicular unit extraction", "FUE"],
        "Moving hair follicles from a part of the head with thick hair to a thinning or bald part.",
    ),
    ("inpatient", ["inpatients"], "A patient who stays in hospital for at least one night."),
    (
        "fit to fly",
        ["fit-to-fly"],
        "Well enough to travel by air safely after treatment, as judged by the doctor; airlines may ask for a form.",
    ),
    (
        "discharge summary",
        ["discharge summaries"],
        "The document the hospital writes when a patient leaves: what was done, medicines, and what to do next.",
    ),
    (
        "calf",
        ["calves"],
        "The back of the lower leg; new pain or swelling there after surgery can be a sign of "
        "a blood clot and needs checking at once.",
    ),
]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text.strip()) if s.strip()]


def nci_explanation(definition: str) -> str:
    parts = [s for s in _sentences(definition) if not s.startswith(("Also called", "Also known"))]
    text = parts[0]
    if len(text) < 60 and len(parts) > 1:
        text = text + " " + parts[1]
    return text


def slug(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def _nci_entries(folder: Path) -> tuple[list[dict[str, object]], list[dict[str, str]]]:
    rows = {
        r["term"].lower(): r
        for r in csv.DictReader((folder / "nci_dictionary_of_cancer_terms.csv").open(encoding="utf-8"))
    }
    entries, used = [], []
    for term, aliases in NCI:
        row = rows[term.lower()]
        used.append(row)
        adapted = NCI_ADAPTED.get(term)
        entries.append(
            {
                "id": slug(term),
                "term": term,
                "aliases": aliases,
                "explanation": adapted or nci_explanation(row["plain_definition"]),
                "source": "nci_cancer",
                "source_term": row["term"],
                "explanation_is": "adapted" if adapted else "quoted",
            }
        )
    return entries, used


def _cdc_entries(folder: Path) -> tuple[list[dict[str, object]], list[dict[str, str]]]:
    rows = {
        r["term"].lower(): r
        for r in csv.DictReader((folder / "cdc_plain_language_thesaurus.csv").open(encoding="utf-8"))
    }
    entries, used = [], []
    for term, aliases, explanation in CDC:
        key = term.lower()
        row = rows.get(key) or rows.get(key + "s") or rows[{"intravenous": "intravenous (iv)"}.get(key, key)]
        used.append(row)
        entries.append(
            {
                "id": slug(term),
                "term": term,
                "aliases": aliases,
                "explanation": explanation,
                "source": "cdc",
                "source_term": row["term"],
                "explanation_is": "adapted",
            }
        )
    return entries, used


def main(folder: Path) -> None:
    nci, nci_used = _nci_entries(folder)
    cdc, cdc_used = _cdc_entries(folder)
    project = [
        {
            "id": slug(t),
            "term": t,
            "aliases": a,
            "explanation": e,
            "source": "project",
            "source_term": "",
            "explanation_is": "written",
        }
        for t, a, e in PROJECT
    ]
    entries = sorted(nci + cdc + project, key=lambda e: str(e["term"]).lower())
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for e in entries:
        credit, url = CREDITS[str(e["source"])]
        e["credit"], e["url"], e["reviewed"] = credit, url, False
    (DATA / "en.json").write_text(json.dumps({"entries": entries}, ensure_ascii=False, indent=1) + "\n")
    for name, used, cols in (
        ("nci_cancer_terms_used.csv", nci_used, ["term", "plain_definition"]),
        ("cdc_thesaurus_used.csv", cdc_used, ["term", "plain_alternatives"]),
    ):
        with (DATA / "sources" / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(sorted(used, key=lambda r: r["term"].lower()))
    print(len(entries), "entries:", {s: sum(e["source"] == s for e in entries) for s in CREDITS})


if __name__ == "__main__":
    main(Path(sys.argv[1]))
