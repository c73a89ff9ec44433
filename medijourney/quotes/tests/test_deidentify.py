from medijourney.quotes.deidentify import deidentify, identifying_leftovers

TEXT = (
    "My name is Amina Okafor (case MJ-7K4Q-2P9X), email amina.okafor@example.com, phone +234 803 123 4567.\n"
    "Passport A12345678. I live at 12 Allen Avenue, Ikeja. Born 12 March 1968; X-ray on 2024-03-05 and 05/04/2023.\n"
    "Mrs Okafor saw Dr. Chukwu on March 3rd, 2024. Pain for 2 years, 3 tablets a day, BMI 31, knee 120 degrees."
)


def test_names_contacts_identifiers_addresses_and_dates_go():
    out = deidentify(TEXT, names=["Amina Okafor"], identifiers=["MJ-7K4Q-2P9X"])
    for gone in ("Amina", "Okafor", "amina.okafor", "803 123 4567", "MJ-7K4Q", "A12345678", "Allen Avenue",
                 "12 March 1968", "2024-03-05", "05/04/2023", "March 3rd", "Chukwu"):  # fmt: skip
        assert gone not in out, gone
    # Generalised, not lost: month and year, or the year when day/month order is unclear.
    assert "March 1968" in out and "March 2024" in out and "2023" in out
    # Clinical facts stay.
    for kept in ("Pain for 2 years", "3 tablets a day", "BMI 31", "knee 120 degrees"):
        assert kept in out, kept


def test_labelled_identifiers_and_plain_words():
    out = deidentify("passport no: X1234567, patient id 88 1234; the identity of ideas")
    assert "X1234567" not in out and "88 1234" not in out and "identity of ideas" in out


def test_empty_and_harmless_text():
    assert deidentify("") == ""
    assert deidentify("Knee pain for two years.") == "Knee pain for two years."


def test_leftovers_name_email_phone():
    found = identifying_leftovers(TEXT, names=["Amina Okafor"], exact=["amina.okafor@example.com", "+2348031234567"])
    assert found == ["email", "name", "phone"]
    assert identifying_leftovers("Adult with knee pain.", names=["Amina Okafor"], exact=["MJ-7K4Q-2P9X"]) == []
    assert identifying_leftovers("see MJ-7K4Q-2P9X", exact=["MJ-7K4Q-2P9X"]) == ["identifier"]
