"""Form submissions (F-3, issue 14): the forms service's ``submission_accepted`` becomes a contact of the form's list,
found by its e-mail or created, once per submission; ``contacts.form_submission_applied`` answers which."""
