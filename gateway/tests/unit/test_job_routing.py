"""A job id names the service that owns it, so ``/jobs/{id}`` makes one RPC to that service (N-4)."""
import uuid

import pytest

from carnet_common.errors import NotFound
from carnet_common.jobs import new_job_id
from carnet_gateway.routes import exports


@pytest.mark.parametrize("service", exports.JOB_SERVICES)
def test_a_new_job_id_leads_back_to_its_service(service):
    assert exports.job_service(new_job_id(service)) == service


@pytest.mark.parametrize("job_id", [str(uuid.uuid4()), "billing:123", "identity:" + str(uuid.uuid4()), ":x",
                                    "opportunities :x"])
def test_a_prefix_no_job_service_owns_is_not_found_without_a_call(job_id):
    with pytest.raises(NotFound):
        exports.job_service(job_id)
