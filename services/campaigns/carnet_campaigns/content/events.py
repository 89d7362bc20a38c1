"""Events of the content area: none. Templates are read where they are used (a campaign copies a template's
subject and bodies when it is drafted, ``content.usecases.template_content``), so no other service or area keeps a
copy of them to update."""
